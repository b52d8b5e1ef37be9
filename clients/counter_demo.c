/*
 * counter_demo: shows the shared counter next to the private baseline. It
 * runs K counter_worker and K private_counter processes at once, each
 * adding D, N times, and checks that the shared counter moved by exactly
 * K*N*D while each private counter ended at N*D. The report is
 * demo_report.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "runner.h"
#include "demo.h"
#include "sharedcounter.h"
#include "text_paths.h"

enum {
    OPTION_CLIENTS,
    OPTION_TIMES,
    OPTION_DELTA,
    OPTION_TIMEOUT,
    OPTION_COUNT
};
/* Processes released together still start some milliseconds apart; the
 * default N keeps each one busy long enough that they really overlap. The
 * limits keep K*N*D within what demo_report.c can state exactly. */
enum { DEFAULT_CLIENTS = 4, MAX_CLIENTS = 32 };
enum { DEFAULT_TIMES = 10000000, MAX_TIMES = 1000000000 };
/* The default run takes seconds; the default limit only stops a hang. */
enum { DEFAULT_TIMEOUT_S = 300, MAX_TIMEOUT_S = 86400 };

static void print_help(void)
{
    printf("usage: counter_demo [--clients K] [--times N] [--delta D]\n"
           "                    [--timeout SECONDS]\n\n"
           "Starts K counter_worker processes, which share the counter "
           "in\n" SC_LIBRARY_NAME
           ", and K private_counter processes, each with a\n"
           "counter of its own; releases them all at once; each adds D to\n"
           "its counter N times. Then prints what every process saw, and\n"
           "checks that the shared counter moved by exactly K*N*D while\n"
           "each private counter ended at N*D (both wrap at INT64_MAX).\n\n"
           "--clients K        processes of each kind, 1 to %d (default %d)\n"
           "--times N          additions per process, 0 to %d\n"
           "                   (default %d)\n"
           "--delta D          the amount of each addition (default 1)\n"
           "--timeout SECONDS  kill the processes still running after this\n"
           "                   long, 1 to %d (default %d)\n"
           "--help             show this help\n"
           "--version          show the version of counter_demo\n\n"
           "Exit status: 0 both checks hold; 1 a check failed, a process\n"
           "could not run or was killed at the time limit, or the report\n"
           "could not be written; 2 bad arguments.\n",
           MAX_CLIENTS, DEFAULT_CLIENTS, MAX_TIMES, DEFAULT_TIMES,
           MAX_TIMEOUT_S, DEFAULT_TIMEOUT_S);
}

void sc__demo_ended(struct sc_demo_process *p, unsigned long exit_code,
                    const char *out, const char *err)
{
    p->exit_code = exit_code;
    p->has_value = exit_code == 0 && sc__last_value(out, &p->last) == 0;
    sc__write_text(stderr, err);
}

/* The error indicator of a stream stays set, so one check after the last
 * flush covers every write before it. */
static int finish_stdout(void)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    sc__error("counter_demo", "cannot write to stdout");
    return -1;
}

static int run(const struct sc_demo_plan *plan)
{
    size_t count = 2 * (size_t)plan->clients;
    struct sc_demo_process *processes = calloc(count, sizeof *processes);

    if (processes == NULL) {
        sc__error("counter_demo", "out of memory");
        return SC_EXIT_FAILURE;
    }
    for (size_t i = 0; i < count; i++) {
        processes[i].shared = i < count / 2;
        processes[i].program = processes[i].shared
                                   ? "counter_worker" SC_EXE_SUFFIX
                                   : "private_counter" SC_EXE_SUFFIX;
    }
    /* This process keeps the library loaded, so the counter lives on
     * between the two reads even if no worker is running. */
    int64_t before = sc_get();
    int status = SC_EXIT_FAILURE;
    if (sc__demo_start_all(plan, processes, count) == 0) {
        uint64_t deadline = sc__clock_ms() + (uint64_t)plan->timeout_s * 1000;
        sc__demo_show_progress(plan, processes, count, before, deadline);
        for (size_t i = 0; i < count; i++)
            sc__demo_collect(plan, &processes[i], deadline);
        status = sc__demo_report(plan, processes, count, before, sc_get());
        if (finish_stdout() != 0)
            status = SC_EXIT_FAILURE;
    }
    free(processes);
    return status;
}

int main(int argc, char **argv)
{
    struct sc_option options[OPTION_COUNT] = {
        [OPTION_CLIENTS] =
            SC_INT_OPTION("--clients", 1, MAX_CLIENTS, DEFAULT_CLIENTS),
        [OPTION_TIMES] = SC_INT_OPTION("--times", 0, MAX_TIMES, DEFAULT_TIMES),
        [OPTION_DELTA] = SC_INT_OPTION("--delta", INT64_MIN, INT64_MAX, 1),
        [OPTION_TIMEOUT] =
            SC_INT_OPTION("--timeout", 1, MAX_TIMEOUT_S, DEFAULT_TIMEOUT_S),
    };

    switch (sc__parse_args(argc, argv, "counter_demo", options, OPTION_COUNT)) {
    case SC_ARGS_HELP:
        print_help();
        return finish_stdout() == 0 ? SC_EXIT_OK : SC_EXIT_FAILURE;
    case SC_ARGS_VERSION:
        return sc__print_program_version("counter_demo") == 0 ? SC_EXIT_OK
                                                              : SC_EXIT_FAILURE;
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_OK:
        break;
    }
    struct sc_demo_plan plan = {
        options[OPTION_CLIENTS].value, options[OPTION_TIMES].value,
        options[OPTION_DELTA].value, options[OPTION_TIMEOUT].value};
    return run(&plan);
}
