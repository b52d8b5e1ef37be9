/* Bounded line input; see line_reader.h. */
#include "line_reader.h"

enum sc_line_status sc__read_line(FILE *in, char *buf, size_t size)
{
    size_t len = 0;
    int too_long = 0, has_nul = 0, c;

    while ((c = getc(in)) != EOF && c != '\n') {
        if (c == '\0')
            has_nul = 1;
        if (len + 1 < size)
            buf[len++] = (char)c;
        else
            too_long = 1;
    }
    if (c == EOF && len == 0 && !too_long)
        return SC_LINE_EOF;
    if (len > 0 && buf[len - 1] == '\r' && !too_long)
        len--;
    buf[len] = '\0';
    if (too_long)
        return SC_LINE_TOO_LONG;
    return has_nul ? SC_LINE_NUL : SC_LINE_OK;
}
