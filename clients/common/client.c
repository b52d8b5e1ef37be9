/* Options, help and batch mode of every client; see client.h. */
#include "client.h"

#include <stdio.h>

#include "command.h"
#include "options.h"
#include "value_line.h"

enum { OPTION_TIMES, OPTION_DELTA, OPTION_COUNT };

static void print_help(const struct sc_client *client)
{
    const char *name = client->name;

    if (client->batch_only)
        printf("usage: %s [--times N] [--delta D]\n", name);
    else
        printf("usage: %s\n       %s --times N [--delta D]\n", name, name);
    printf("\nWorks on %s.\n\n", client->counter);
    if (!client->batch_only)
        printf("Without options, reads one command per line from stdin:\n"
               "  (empty line)  add 1\n"
               "  +N, -N        add N or -N (any 64-bit integer)\n"
               "  =             show the value\n"
               "  q             quit (so does end of input)\n"
               "and prints \"counter: <value>\" after each. A line it cannot\n"
               "accept is reported on stderr and changes nothing.\n\n");
    printf("--times N  add D to the counter N times (N >= 0, default 1),\n"
           "           then print the last value seen\n"
           "--delta D  the amount to add each time (default 1)\n"
           "--help     show this help\n\n"
           "Exit status: 0 success; 1 %s; 2 bad arguments.\n",
           client->batch_only ? "the counter is unavailable"
                              : "a line was rejected, or the counter\n"
                                "is unavailable");
}

static int run_batch(const struct sc_client *client,
                     const struct sc_counter_ops *ops, int64_t times,
                     int64_t delta)
{
    int64_t last = times == 0 ? ops->get() : 0;

    for (int64_t i = 0; i < times; i++)
        last = ops->add(delta);
    if (sc__print_value(stdout, last) == 0)
        return SC_EXIT_OK;
    fprintf(stderr, "%s: cannot write to stdout\n", client->name);
    return SC_EXIT_FAILURE;
}

int sc__client_main(const struct sc_client *client, int argc, char **argv)
{
    struct sc_int_option options[OPTION_COUNT] = {
        [OPTION_TIMES] = {"--times", 0, INT64_MAX, 1, 0},
        [OPTION_DELTA] = {"--delta", INT64_MIN, INT64_MAX, 1, 0},
    };
    struct sc_counter_ops ops;

    switch (sc__parse_args(argc, argv, client->name, options, OPTION_COUNT)) {
    case SC_ARGS_HELP:
        print_help(client);
        return SC_EXIT_OK;
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_OK:
        break;
    }
    if (!client->batch_only && options[OPTION_DELTA].given &&
        !options[OPTION_TIMES].given) {
        fprintf(stderr, "%s: --delta needs --times (see --help)\n",
                client->name);
        return SC_EXIT_USAGE;
    }
    if (client->connect(&ops) != 0)
        return SC_EXIT_FAILURE;
    if (client->batch_only || options[OPTION_TIMES].given)
        return run_batch(client, &ops, options[OPTION_TIMES].value,
                         options[OPTION_DELTA].value);
    return sc__run_commands(client, &ops);
}
