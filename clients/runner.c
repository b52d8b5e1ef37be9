/* The client runner; see runner.h. */
#include "runner.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "wrapping.h"

enum command_kind {
    COMMAND_ADD,  /* hand back the new value */
    COMMAND_SET,  /* hand back the old value */
    COMMAND_SHOW, /* hand back the value */
};

struct command {
    enum command_kind kind;
    int64_t number; /* ADD: the delta; SET: the new value */
};

/* ---- the command line ---------------------------------------------------- */

static const char commands_help[] =
    "  (empty line)  add 1: ENTER alone adds 1\n"
    "  N, +N, -N     add N or -N (any 64-bit integer)\n"
    "  =             show the value\n"
    "  =N            set the value to N\n"
    "  help          list these commands\n"
    "  q, quit       quit (so does the end of input)\n";

static const char name_help[] =
    "--name NAME\n"
    "           work on the named counter NAME (sc_counter_open) instead\n"
    "           of the default one, for example 'jobs_total{queue=\"a\"}'\n";

#define COMMANDS_SUMMARY                                                       \
    "ENTER adds 1, N/+N/-N adds N, = shows, =N sets, q quits, help lists "     \
    "them"

static void print_help(const struct sc_client *client)
{
    const char *name = client->name;

    if (client->batch_only)
        printf("usage: %s [--times N] [--delta D] [--name NAME]\n", name);
    else
        printf("usage: %s\n       %s --times N [--delta D]\n", name, name);
    printf("       %s --help | --version\n\nWorks on %s.\n\n", name,
           client->counter);
    if (!client->batch_only)
        printf("Without options, prints the value, then reads one command per"
               " line\nfrom stdin:\n%s"
               "After each it prints \"counter: <value>\", followed by\n"
               "\"(+N from other processes)\" when other processes changed "
               "the\ncounter since the line before. A line it cannot accept "
               "is reported\non stderr and changes nothing.\n\n",
               commands_help);
    printf("--times N  add D to the counter N times (N >= 0, default 1),\n"
           "           then print the last value seen\n"
           "--delta D  the amount to add each time (default 1)\n"
           "%s"
           "--version  show the version of this program, and of the DLL it\n"
           "           uses, if any; changes no counter\n"
           "--help     show this help\n\n"
           "Exit status: 0 success; 1 %s; 2 bad arguments.\n",
           client->batch_only ? name_help : "",
           client->batch_only ? "the counter is unavailable, or NAME is\n"
                                "not a valid name or the table is full"
                              : "a line was rejected, input or output\n"
                                "failed, or the counter is unavailable");
}

int sc__client_parse(struct sc_client *client, int argc, char **argv)
{
    enum { TIMES, DELTA, NAME, COUNT };
    struct sc_option options[COUNT] = {
        [TIMES] = SC_INT_OPTION("--times", 0, INT64_MAX, 1),
        [DELTA] = SC_INT_OPTION("--delta", INT64_MIN, INT64_MAX, 1),
        [NAME] = SC_STRING_OPTION("--name", NULL),
    };
    /* Only the batch client knows --name. */
    size_t count = client->batch_only ? COUNT : NAME;

    switch (sc__parse_args(argc, argv, client->name, options, count)) {
    case SC_ARGS_HELP:
        print_help(client);
        return fflush(stdout) == 0 ? SC_EXIT_OK : SC_EXIT_FAILURE;
    case SC_ARGS_VERSION:
        client->mode = SC_MODE_VERSION;
        return SC_CLIENT_RUN;
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_OK:
        break;
    }
    if (!client->batch_only && options[DELTA].given && !options[TIMES].given)
        return sc__usage_error(client->name, "--delta needs --times");
    client->mode = client->batch_only || options[TIMES].given
                       ? SC_MODE_BATCH
                       : SC_MODE_INTERACTIVE;
    client->times = options[TIMES].value;
    client->delta = options[DELTA].value;
    client->counter_name = options[NAME].text;
    return SC_CLIENT_RUN;
}

/* ---- the value line ------------------------------------------------------ */

/* Prints the value line and flushes it, so that a program reading the
 * other end of a pipe sees it at once. */
static void print_value(struct sc_client *client, int64_t value, int64_t others)
{
    if (others != 0)
        printf(SC_VALUE_PREFIX "%" PRId64 " (%+" PRId64
                               " from other processes)\n",
               value, others);
    else
        printf(SC_VALUE_PREFIX "%" PRId64 "\n", value);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        sc__error(client->name, "cannot write to stdout; stopped");
        client->failed = 1;
    }
}

/* Parses one line of text, which ends at '\r', '\n' or '\0': the prefix,
 * the number, and nothing else but an optional " (...)" note. */
static int parse_value_line(const char *line, int64_t *value)
{
    char number[24];
    size_t len = strcspn(line, "\r\n");
    size_t prefix = sizeof SC_VALUE_PREFIX - 1;

    if (len <= prefix || strncmp(line, SC_VALUE_PREFIX, prefix) != 0)
        return -1;
    size_t digits = strcspn(line + prefix, " \r\n");
    if (digits >= sizeof number)
        return -1;
    const char *note = line + prefix + digits;
    if (note != line + len &&
        (strncmp(note, " (", 2) != 0 || line[len - 1] != ')'))
        return -1;
    memcpy(number, line + prefix, digits);
    number[digits] = '\0';
    return sc__parse_int64(number, value) == SC_PARSE_OK ? 0 : -1;
}

int sc__last_value(const char *text, int64_t *value)
{
    int found = -1;

    for (const char *line = text; *line != '\0';) {
        if (parse_value_line(line, value) == 0)
            found = 0;
        line += strcspn(line, "\n");
        if (*line == '\n')
            line++;
    }
    return found;
}

/* ---- reading lines ------------------------------------------------------- */

/* Long enough for any valid command with room to spare; longer lines are
 * rejected whole. */
#define LINE_MAX_CHARS 255
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

enum line_status { LINE_OK, LINE_TOO_LONG, LINE_END, LINE_ERROR };

/* Reads one line into line (size bytes), without its line ending: '\n',
 * or "\r\n". A last line without '\n' still counts; a line cut short by a
 * read error does not. */
static enum line_status read_line(struct sc_client *client, char *line,
                                  size_t size, size_t *len)
{
    size_t n = 0;
    int too_long = 0;

    for (;;) {
        if (client->start == client->end) {
            int status = sc__client_refill(client);
            if (status < 0)
                return LINE_ERROR;
            if (status == 0 && n == 0 && !too_long)
                return LINE_END;
            if (status == 0)
                break;
        }
        char c = client->buffer[client->start++];
        if (c == '\n')
            break;
        if (n + 1 < size)
            line[n++] = c;
        else
            too_long = 1;
    }
    if (!too_long && n > 0 && line[n - 1] == '\r')
        n--;
    line[n] = '\0';
    *len = n;
    return too_long ? LINE_TOO_LONG : LINE_OK;
}

/* ---- parsing commands ---------------------------------------------------- */

enum parsed { PARSED_COMMAND, PARSED_HELP, PARSED_QUIT, PARSED_BAD };

static enum parsed parse_number(const char *text, const char *not_number,
                                int64_t *number, const char **problem)
{
    switch (sc__parse_int64(text, number)) {
    case SC_PARSE_OK:
        return PARSED_COMMAND;
    case SC_PARSE_OUT_OF_RANGE:
        *problem = "number out of range (the limits are "
                   "-9223372036854775808 and +9223372036854775807)";
        return PARSED_BAD;
    default:
        *problem = not_number;
        return PARSED_BAD;
    }
}

static int has_control_character(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            return 1;
    return 0;
}

static enum parsed parse_line(const char *line, size_t len,
                              struct command *command, const char **problem)
{
    command->kind = COMMAND_ADD;
    command->number = 1;
    if (has_control_character(line, len)) {
        *problem = "control characters are not allowed";
        return PARSED_BAD;
    }
    /* Spaces get their own message: "+ 5" or "5 " is the likeliest slip. */
    if (strchr(line, ' ') != NULL) {
        *problem = "spaces are not allowed in a command";
        return PARSED_BAD;
    }
    if (len == 0)
        return PARSED_COMMAND;
    if (strcmp(line, "q") == 0 || strcmp(line, "quit") == 0)
        return PARSED_QUIT;
    if (strcmp(line, "help") == 0)
        return PARSED_HELP;
    if (strcmp(line, "=") == 0) {
        command->kind = COMMAND_SHOW;
        return PARSED_COMMAND;
    }
    if (line[0] == '=') {
        command->kind = COMMAND_SET;
        return parse_number(
            line + 1, "not a whole number after =", &command->number, problem);
    }
    if (line[0] == '+' || line[0] == '-')
        return parse_number(line, "not a whole number after + or -",
                            &command->number, problem);
    if (line[0] >= '0' && line[0] <= '9')
        return parse_number(line, "not a whole number", &command->number,
                            problem);
    *problem = "unknown command (" COMMANDS_SUMMARY ")";
    return PARSED_BAD;
}

/* ---- the loop ------------------------------------------------------------ */

enum { QUOTE_MAX_BYTES = 40 };

/* Writes the start of a rejected line into out, in quotes, with every byte
 * that is not printable ASCII escaped ("\x04", "\r"), so that garbage
 * cannot garble the terminal and every byte can be told apart. */
static void quote_line(const char *line, size_t len, char *out, size_t size)
{
    size_t n = 0, i;

    out[n++] = '"';
    for (i = 0; i < len && i < QUOTE_MAX_BYTES && n + 8 < size; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == '"' || c == '\\')
            n += (size_t)snprintf(out + n, size - n, "\\%c", c);
        else if (c == '\r' || c == '\t')
            n += (size_t)snprintf(out + n, size - n, "\\%c",
                                  c == '\r' ? 'r' : 't');
        else if (c < 0x20 || c >= 0x7f)
            n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
        else
            out[n++] = (char)c;
    }
    snprintf(out + n, size - n, "%s\"", i < len ? "..." : "");
}

static void reject(struct sc_client *client, const char *line, size_t len,
                   const char *problem)
{
    char quoted[8 * QUOTE_MAX_BYTES];

    client->rejected = 1;
    if (line == NULL) {
        sc__error(client->name, "line %lu: %s; ignored", client->line_number,
                  problem);
        return;
    }
    quote_line(line, len, quoted, sizeof quoted);
    sc__error(client->name, "line %lu: %s: %s; ignored", client->line_number,
              quoted, problem);
}

/* Reads lines until one is a command for the counter and returns 1 with it
 * in *command, or returns 0 at "q", at the end of input, or when stdin or
 * stdout fails. Lines it cannot accept are reported on stderr and skipped;
 * "help" is answered here. */
static int next_command(struct sc_client *client, struct command *command)
{
    char line[LINE_MAX_CHARS + 1];
    const char *problem;
    size_t len;

    while (!client->failed) {
        switch (read_line(client, line, sizeof line, &len)) {
        case LINE_END:
            return 0;
        case LINE_ERROR:
            client->failed = 1;
            return 0;
        case LINE_TOO_LONG:
            client->line_number++;
            reject(client, NULL, 0,
                   "line too long (the limit is " STRINGIFY(
                       LINE_MAX_CHARS) " characters)");
            continue;
        case LINE_OK:
            client->line_number++;
            break;
        }
        switch (parse_line(line, len, command, &problem)) {
        case PARSED_COMMAND:
            return 1;
        case PARSED_QUIT:
            return 0;
        case PARSED_HELP:
            fputs(commands_help, stdout);
            fflush(stdout);
            break;
        case PARSED_BAD:
            reject(client, line, len, problem);
            break;
        }
    }
    return 0;
}

/* Makes the call command asks for (see struct sc_counter_calls), then
 * prints the value line. */
static void run_command(struct sc_client *client,
                        const struct sc_counter_calls *calls,
                        const struct command *command)
{
    int64_t before, after;

    if (command->kind == COMMAND_ADD) {
        after = calls->add(command->number);
        before = sc__wrapping_sub(after, command->number);
    } else if (command->kind == COMMAND_SET) {
        before = calls->exchange(command->number);
        after = command->number;
    } else {
        before = after = calls->get();
    }
    /* What this process did not do itself since its previous line. */
    int64_t others = sc__wrapping_sub(before, client->expected);
    client->expected = after;
    print_value(client, after, others);
}

/* 0 when every line was accepted and every write and read worked. */
static int run_interactive(struct sc_client *client,
                           const struct sc_counter_calls *calls)
{
    struct command command;

    if (sc__stdin_is_terminal())
        sc__error(client->name, "%s", COMMANDS_SUMMARY);
    client->expected = calls->get();
    print_value(client, client->expected, 0);
    while (next_command(client, &command))
        run_command(client, calls, &command);
    return client->rejected || client->failed ? SC_EXIT_FAILURE : SC_EXIT_OK;
}

/* --times N --delta D, then the last value seen. */
static int run_batch(struct sc_client *client,
                     const struct sc_counter_calls *calls)
{
    /* With --times 0 the value before is the last one seen. */
    int64_t last = calls->get();

    for (int64_t i = 0; i < client->times; i++)
        last = calls->add(client->delta);
    print_value(client, last, 0);
    return client->failed ? SC_EXIT_FAILURE : SC_EXIT_OK;
}

int sc__client_run(struct sc_client *client,
                   const struct sc_counter_calls *calls)
{
    switch (client->mode) {
    case SC_MODE_VERSION:
        if (calls->version == NULL)
            return sc__print_versions(client->name, NULL, 0);
        return sc__print_versions(client->name, (const void *)calls->get,
                                  calls->version());
    case SC_MODE_BATCH:
        return run_batch(client, calls);
    case SC_MODE_INTERACTIVE:
        break;
    }
    return run_interactive(client, calls);
}

int sc__client_main(struct sc_client *client,
                    const struct sc_counter_calls *calls, int argc, char **argv)
{
    int status = sc__client_parse(client, argc, argv);

    return status == SC_CLIENT_RUN ? sc__client_run(client, calls) : status;
}
