/* The POSIX side of options.h. A terminal takes UTF-8 as it is, so text
 * goes out byte for byte, wherever stdout and stderr lead. */
#include "options.h"

int sc__write_text(FILE *out, const char *text)
{
    return fputs(text, out) < 0 || fflush(out) != 0 ? -1 : 0;
}
