/* The POSIX side of options.h. A terminal takes UTF-8 as it is, so text
 * goes out byte for byte, wherever stdout and stderr lead. */
#include "options.h"

#include <errno.h>
#include <string.h>

int sc__write_text(FILE *out, const char *text)
{
    return fputs(text, out) < 0 || fflush(out) != 0 ? -1 : 0;
}

const char *sc__last_error_text(char *buf, size_t size)
{
    snprintf(buf, size, "%s", strerror(errno));
    return buf;
}
