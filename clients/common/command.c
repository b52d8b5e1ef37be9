/* One line of the command language; see command.h. */
#include "command.h"

#include <string.h>

#include "int_parse.h"

static struct sc_command invalid(const char *problem)
{
    struct sc_command command = {SC_COMMAND_INVALID, 0, problem};
    return command;
}

static struct sc_command parse_add(const char *line)
{
    struct sc_command command = {SC_COMMAND_ADD, 0, NULL};

    switch (sc__parse_int64(line, &command.delta)) {
    case SC_PARSE_OK:
        return command;
    case SC_PARSE_OUT_OF_RANGE:
        return invalid("number out of range (the limits are "
                       "-9223372036854775808 and +9223372036854775807)");
    default:
        return invalid("not a whole number after + or -");
    }
}

struct sc_command sc__parse_command(const char *line)
{
    struct sc_command command = {SC_COMMAND_ADD, 1, NULL};

    /* Spaces get their own message: "+ 5" or "5 " is the likeliest slip. */
    if (strpbrk(line, " \t\v\f\r") != NULL)
        return invalid("spaces are not allowed in a command");
    if (line[0] == '+' || line[0] == '-')
        return parse_add(line);
    if (strcmp(line, "=") == 0)
        command.kind = SC_COMMAND_SHOW;
    else if (strcmp(line, "q") == 0)
        command.kind = SC_COMMAND_QUIT;
    else if (line[0] != '\0')
        return invalid("unknown command (" SC_COMMAND_SUMMARY ")");
    return command;
}
