/* The value line; see value_line.h. */
#include "value_line.h"

#include <inttypes.h>
#include <string.h>

#include "int_parse.h"

int sc__print_value(FILE *out, int64_t value)
{
    fprintf(out, SC_VALUE_PREFIX "%" PRId64 "\n", value);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* Parses one line of text, which ends at '\r', '\n' or '\0'. */
static int parse_line(const char *line, int64_t *value)
{
    char number[24];
    size_t len = strcspn(line, "\r\n");
    size_t prefix = sizeof SC_VALUE_PREFIX - 1;

    if (len <= prefix || len - prefix >= sizeof number ||
        strncmp(line, SC_VALUE_PREFIX, prefix) != 0)
        return -1;
    memcpy(number, line + prefix, len - prefix);
    number[len - prefix] = '\0';
    return sc__parse_int64(number, value) == SC_PARSE_OK ? 0 : -1;
}

int sc__last_value(const char *text, int64_t *value)
{
    int found = -1;

    for (const char *line = text; *line != '\0';) {
        if (parse_line(line, value) == 0)
            found = 0;
        line += strcspn(line, "\n");
        if (*line == '\n')
            line++;
    }
    return found;
}
