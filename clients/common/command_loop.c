/* The interactive command loop; see client.h and command.h. */
#include "client.h"

#include <ctype.h>
#include <io.h>
#include <stdio.h>

#include "command.h"
#include "line_reader.h"
#include "options.h"
#include "value_line.h"

/* Long enough for any valid command with room to spare; longer lines are
 * rejected whole. */
#define LINE_MAX_CHARS 255
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define TOO_LONG                                                               \
    "line too long (the limit is " STRINGIFY(LINE_MAX_CHARS) " characters)"

enum { QUOTE_MAX_CHARS = 40 };

/* Prints the start of a rejected line, with anything unprintable as '?',
 * so that garbage input cannot garble the terminal. */
static void quote_line(const char *line)
{
    size_t i;

    fputc('"', stderr);
    for (i = 0; line[i] != '\0' && i < QUOTE_MAX_CHARS; i++)
        fputc(isprint((unsigned char)line[i]) ? line[i] : '?', stderr);
    fputs(line[i] != '\0' ? "...\"" : "\"", stderr);
}

static void reject(const struct sc_client *client, unsigned long line_number,
                   const char *line, const char *problem)
{
    fprintf(stderr, "%s: line %lu: ", client->name, line_number);
    if (line != NULL) {
        quote_line(line);
        fputs(": ", stderr);
    }
    fprintf(stderr, "%s; ignored\n", problem);
}

/* Parses a line that was read whole; NULL problem means it was good. */
static struct sc_command read_command(enum sc_line_status status,
                                      const char *line)
{
    struct sc_command command = {SC_COMMAND_INVALID, 0, NULL};

    if (status == SC_LINE_TOO_LONG)
        command.problem = TOO_LONG;
    else if (status == SC_LINE_NUL)
        command.problem = "line contains a NUL character";
    else
        command = sc__parse_command(line);
    return command;
}

int sc__run_commands(const struct sc_client *client,
                     const struct sc_counter_ops *ops)
{
    char line[LINE_MAX_CHARS + 1];
    enum sc_line_status status;
    unsigned long line_number = 0;
    int rejected = 0, write_failed = 0;

    if (_isatty(_fileno(stdin)))
        fprintf(stderr, "%s: %s\n", client->name, SC_COMMAND_SUMMARY);
    while (!write_failed &&
           (status = sc__read_line(stdin, line, sizeof line)) != SC_LINE_EOF) {
        struct sc_command command = read_command(status, line);
        line_number++;
        if (command.kind == SC_COMMAND_QUIT)
            break;
        if (command.kind == SC_COMMAND_INVALID) {
            reject(client, line_number, status == SC_LINE_OK ? line : NULL,
                   command.problem);
            rejected = 1;
            continue;
        }
        int64_t value = command.kind == SC_COMMAND_ADD ? ops->add(command.delta)
                                                       : ops->get();
        write_failed = sc__print_value(stdout, value) != 0;
    }
    if (write_failed)
        fprintf(stderr, "%s: cannot write to stdout; stopped\n", client->name);
    /* A read error ends the loop like end of input, but a script must not
     * take the lines it never saw for accepted ones. */
    int read_failed = ferror(stdin) != 0;
    if (read_failed)
        fprintf(stderr, "%s: cannot read stdin; stopped\n", client->name);
    return rejected || write_failed || read_failed ? SC_EXIT_FAILURE
                                                   : SC_EXIT_OK;
}
