/* Names come from untrusted files: escape them for terminals and JSON. */
#include <stdbool.h>
#include <string.h>

#include "print.h"

static bool is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

static size_t escaped_length(const char *name)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        n += is_plain(*p) ? 1 : 4;
    return n;
}

void sc__sd_put_name(FILE *out, const char *name, int width)
{
    size_t length = escaped_length(name);
    size_t pad = (size_t)(width < 0 ? -width : width);
    pad = pad > length ? pad - length : 0;
    if (width > 0)
        fprintf(out, "%*s", (int)pad, "");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (is_plain(*p))
            fputc(*p, out);
        else
            fprintf(out, "\\x%02x", *p);
    }
    if (width < 0)
        fprintf(out, "%*s", (int)pad, "");
}

void sc__sd_put_json_string(FILE *out, const char *name)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (is_plain(*p))
            fputc(*p, out);
        else
            fprintf(out, "\\u%04x", *p);
    }
    fputc('"', out);
}
