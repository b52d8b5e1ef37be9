/*
 * counter_wait: a client for scripts that waits on the counter without
 * spinning, the loop around sc_wait() in plain sight. "--until N" returns
 * once the counter is at least N, "--change" once it differs from the value
 * it had when counter_wait began; "--timeout MS" bounds the wait. It never
 * changes the counter, so any number of them may wait at once, as a latch:
 * start workers, "counter_wait --until 8", go on.
 */
#include <inttypes.h>
#include <stdio.h>

#include "runner.h"
#include "clock.h"
#include "options.h"
#include "sharedcounter.h"

#define PROGRAM "counter_wait"

/* 0 and 2 are every program's SC_EXIT_OK and SC_EXIT_USAGE. */
enum { EXIT_TIMED_OUT = 1, EXIT_ERROR = 3 };

/* The longest --timeout: SC_WAIT_FOREVER itself means no limit. */
#define MAX_TIMEOUT_MS ((int64_t)SC_WAIT_FOREVER - 1)

struct goal {
    int until; /* --until: reached at target or above; else --change */
    int64_t target;
    uint32_t timeout_ms; /* SC_WAIT_FOREVER: no --timeout */
};

/* What is left of the timeout in milliseconds, rounded up so that the
 * wait never gives up early, at least 0; SC_WAIT_FOREVER without one. */
static uint32_t time_left(const struct goal *goal, uint64_t start_us)
{
    if (goal->timeout_ms == SC_WAIT_FOREVER)
        return SC_WAIT_FOREVER;
    uint64_t spent = sc__clock_us() - start_us;
    uint64_t limit = (uint64_t)goal->timeout_ms * 1000;
    return spent >= limit ? 0 : (uint32_t)((limit - spent + 999) / 1000);
}

/* Waits for the goal; returns the exit code, with *value the last value
 * seen. sc_wait() returns as soon as the counter differs from what this
 * loop saw last: --change is reached then, --until looks at the new value
 * and waits again, with what is left of the timeout. */
static int wait_for(const struct goal *goal, int64_t *value)
{
    uint64_t start = sc__clock_us();

    *value = sc_get();
    for (;;) {
        /* A plain comparison of int64_t values: see the help on wrapping. */
        if (goal->until && *value >= goal->target)
            return SC_EXIT_OK;
        uint32_t left = time_left(goal, start);
        int64_t seen = *value;
        int woke = sc_wait(seen, left, value);
        if (woke < 0) {
            char why[300];
            sc__error(PROGRAM, "cannot wait for the counter: %s",
                      sc__last_error_text(why, sizeof why));
            return EXIT_ERROR;
        }
        if (woke == 0)
            return EXIT_TIMED_OUT;
        if (!goal->until)
            return SC_EXIT_OK;
        /* A counter that keeps changing wakes every call: with no time
         * left, the value just seen is the last look. */
        if (left == 0)
            return *value >= goal->target ? SC_EXIT_OK : EXIT_TIMED_OUT;
    }
}

static void print_help(void)
{
    printf("usage: " PROGRAM " --until N [--timeout MS]\n"
           "       " PROGRAM " --change [--timeout MS]\n"
           "       " PROGRAM " --help | --version\n\n"
           "Waits, asleep, for %s,\n"
           "then prints \"counter: V\", the value it saw last. It never\n"
           "changes the counter.\n\n"
           "--until N     return once the counter is N or more\n"
           "--change      return once the counter differs from its value\n"
           "              when " PROGRAM " began\n"
           "--timeout MS  give up after MS milliseconds, 0 to %" PRId64 "\n"
           "              (0 looks once; default: no limit); it never gives\n"
           "              up earlier\n"
           "--version     show the version of this program and of the\n"
           "              library\n"
           "--help        show this help\n\n"
           "\"N or more\" compares signed 64-bit values. The counter wraps\n"
           "from %" PRId64 " to %" PRId64 ": a counter that\n"
           "wraps past the top is below N again, and a counter that only\n"
           "goes down never reaches a higher N. A value reached only for an\n"
           "instant may be missed, as the counter is a value, not a log.\n\n"
           "Exit status: 0 reached; 1 timed out; 2 bad arguments; 3 the\n"
           "wait failed.\n",
           SC_DLL_COUNTER_TEXT, MAX_TIMEOUT_MS, INT64_MAX, INT64_MIN);
}

int main(int argc, char **argv)
{
    enum { UNTIL, CHANGE, TIMEOUT, COUNT };
    struct sc_option options[COUNT] = {
        [UNTIL] = SC_INT_OPTION("--until", INT64_MIN, INT64_MAX, 0),
        [CHANGE] = SC_FLAG_OPTION("--change"),
        [TIMEOUT] = SC_INT_OPTION("--timeout", 0, MAX_TIMEOUT_MS, 0),
    };

    switch (sc__parse_args(argc, argv, PROGRAM, options, COUNT)) {
    case SC_ARGS_HELP:
        print_help();
        return fflush(stdout) == 0 ? SC_EXIT_OK : EXIT_ERROR;
    case SC_ARGS_VERSION:
        /* 1 would read as "timed out". */
        return sc__print_versions(PROGRAM, (const void *)sc_wait,
                                  sc_version()) == SC_EXIT_OK
                   ? SC_EXIT_OK
                   : EXIT_ERROR;
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_OK:
        break;
    }
    if (options[UNTIL].given == options[CHANGE].given)
        return sc__usage_error(PROGRAM, "give one of --until N and --change");
    struct goal goal = {
        .until = options[UNTIL].given,
        .target = options[UNTIL].value,
        .timeout_ms = options[TIMEOUT].given ? (uint32_t)options[TIMEOUT].value
                                             : SC_WAIT_FOREVER,
    };
    int64_t value;
    int status = wait_for(&goal, &value);
    if (status == EXIT_ERROR)
        return status;
    printf(SC_VALUE_PREFIX "%" PRId64 "\n", value);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        sc__error(PROGRAM, "cannot write to stdout");
        return EXIT_ERROR;
    }
    return status;
}
