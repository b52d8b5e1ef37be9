/* The soak: its parent, its clients and the sc_soak program; see soak.h. */
#include "soak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "sharedcounter.h"
#include "support.h"

/* One call in ADD_EVERY is an sc_add of ADD_DELTA, the rest increments. */
enum { ADD_EVERY = 16, ADD_DELTA = 3, POLL_MS = 20 };

int sc__soak_client_main(const char *lifetime_ms)
{
    ULONGLONG end = sc__clock_ms() + strtoul(lifetime_ms, NULL, 10);
    int64_t last = INT64_MIN, applied = 0, ops = 0;

    while (sc__clock_ms() < end) {
        for (int i = 0; i < ADD_EVERY; i++, ops++) {
            int64_t delta = i == 0 ? ADD_DELTA : 1;
            int64_t now = delta == 1 ? sc_increment() : sc_add(delta);
            /* Every delta is positive: a value not above the last one means
             * this client saw its own update undone. */
            if (now <= last)
                return 1;
            last = now;
            applied = sc__wrapping_add(applied, delta);
        }
    }
    printf("applied %lld ops %lld\n", (long long)applied, (long long)ops);
    return fflush(stdout) == 0 ? 0 : 1;
}

int64_t sc__soak_lost(const struct sc_soak_report *report)
{
    return sc__wrapping_sub(report->moved, report->applied);
}

struct client {
    struct sc_child child;
    BOOL running;
};

static uint64_t next_random(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return *state >> 33;
}

/* Collects a finished client's report; a client that failed or said
 * something unexpected is counted as failed. */
static void reap(struct client *c, struct sc_soak_report *report)
{
    struct sc_child_output out;
    DWORD code = 1;
    long long applied, ops;

    if (sc__child_finish(&c->child, 10000, &code, &out) != 0) {
        report->failed++;
    } else {
        if (code == 0 &&
            sscanf(out.out, "applied %lld ops %lld", &applied, &ops) == 2) {
            report->applied += applied;
            report->ops += ops;
        } else {
            report->failed++;
        }
        sc__child_output_free(&out);
    }
    sc__child_close(&c->child);
    c->running = FALSE;
}

/* Reaps every client that has exited; returns how many still run. */
static int reap_finished(struct client *clients, int n,
                         struct sc_soak_report *report)
{
    int running = 0;

    for (int i = 0; i < n; i++) {
        if (!clients[i].running)
            continue;
        if (WaitForSingleObject(clients[i].child.process, 0) == WAIT_TIMEOUT)
            running++;
        else
            reap(&clients[i], report);
    }
    return running;
}

/* Lifetimes run from one wave interval to the end of the soak, so that
 * early clients overlap with late ones and the process count swells. */
static void start_wave(struct client *clients, int first, int count,
                       DWORD lifetime_min, DWORD lifetime_max, uint64_t *rng,
                       struct sc_soak_report *report)
{
    char args[64];

    for (int i = first; i < first + count; i++) {
        DWORD span =
            lifetime_max > lifetime_min ? lifetime_max - lifetime_min : 1;
        DWORD lifetime = lifetime_min + (DWORD)(next_random(rng) % span);
        snprintf(args, sizeof args, SC_SOAK_CLIENT_FLAG " %lu",
                 (unsigned long)lifetime);
        report->started++;
        if (sc__child_start_self(&clients[i].child, args,
                                 SC_CHILD_PIPE_OUTPUT) == 0)
            clients[i].running = TRUE;
        else
            report->failed++;
    }
}

DWORD sc__soak_run(const struct sc_soak_plan *plan,
                   struct sc_soak_report *report)
{
    struct client *clients = calloc(plan->clients, sizeof *clients);
    int waves = (plan->clients + plan->wave - 1) / plan->wave;
    DWORD interval = plan->duration_ms / waves;
    uint64_t rng = plan->seed;

    memset(report, 0, sizeof *report);
    if (clients == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    int64_t before = sc_get();
    ULONGLONG t0 = sc__clock_ms();
    int started = 0, running = 0;
    for (int w = 0; w < waves || running > 0;) {
        DWORD now = (DWORD)(sc__clock_ms() - t0);
        if (w < waves && now >= (DWORD)w * interval) {
            int count = plan->clients - started < plan->wave
                            ? plan->clients - started
                            : plan->wave;
            DWORD left = plan->duration_ms > now ? plan->duration_ms - now : 0;
            start_wave(clients, started, count, interval, left, &rng, report);
            started += count;
            w++;
        }
        running = reap_finished(clients, started, report);
        if (running > report->peak)
            report->peak = running;
        sc__sleep_ms(POLL_MS);
    }
    report->moved = sc__wrapping_sub(sc_get(), before);
    report->elapsed_ms = (DWORD)(sc__clock_ms() - t0);
    free(clients);
    return 0;
}

/* ---- the sc_soak program ------------------------------------------------- */

static const char usage[] =
    "usage: sc_soak [--seconds N] [--clients N] [--wave N] [--seed N]\n"
    "\n"
    "Starts N clients in waves over a fixed time; each updates the shared\n"
    "counter for a random lifetime and reports what it applied. Prints the\n"
    "ops done, the peak number of client processes and the lost updates.\n"
    "Run it alone: other users of the same DLL count as lost updates.\n"
    "\n"
    "--seconds N  how long to keep starting clients, 1 to 3600 (default 30)\n"
    "--clients N  clients started in all, 1 to 1000 (default 64)\n"
    "--wave N     clients started together, 1 to --clients (default 8)\n"
    "--seed N     seed of the client lifetimes (default 1)\n"
    "--help       show this help\n"
    "--version    show the program's version\n"
    "\n"
    "Exit status: 0 no update lost and every client reported; 1 otherwise;\n"
    "2 bad arguments.\n";

enum { SECONDS, CLIENTS, WAVE, SEED, OPTION_COUNT };

/* Fills plan from the command line; bad usage is reported on stderr. */
static enum sc_args_result parse_args(int argc, char **argv,
                                      struct sc_soak_plan *plan)
{
    struct sc_option options[OPTION_COUNT] = {
        [SECONDS] = SC_INT_OPTION("--seconds", 1, 3600, 30),
        [CLIENTS] = SC_INT_OPTION("--clients", 1, 1000, 64),
        [WAVE] = SC_INT_OPTION("--wave", 1, 1000, 8),
        [SEED] = SC_INT_OPTION("--seed", 0, INT64_MAX, 1),
    };

    enum sc_args_result result =
        sc__parse_args(argc, argv, "sc_soak", options, OPTION_COUNT);
    if (result != SC_ARGS_OK)
        return result;
    if (options[WAVE].value > options[CLIENTS].value) {
        sc__usage_error("sc_soak", "--wave %lld is larger than --clients %lld",
                        (long long)options[WAVE].value,
                        (long long)options[CLIENTS].value);
        return SC_ARGS_BAD;
    }
    *plan = (struct sc_soak_plan){
        (int)options[CLIENTS].value, (int)options[WAVE].value,
        (DWORD)options[SECONDS].value * 1000, (uint64_t)options[SEED].value};
    return SC_ARGS_OK;
}

static void print_report(const struct sc_soak_plan *plan,
                         const struct sc_soak_report *r)
{
    char dll[MAX_PATH] = "?";
    HMODULE module;

    if (GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                               GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           (LPCSTR)(void *)sc_get, &module))
        GetModuleFileNameA(module, dll, sizeof dll);
    printf("soak: %d clients in waves of %d over %lu s (seed %llu)\n"
           "library:          %s\n"
           "clients started:  %d (%d failed)\n"
           "peak processes:   %d\n"
           "ops done:         %lld (%.0f per second)\n"
           "counter moved:    %lld, clients applied %lld\n"
           "lost updates:     %lld\n"
           "elapsed:          %.1f s\n",
           plan->clients, plan->wave, (unsigned long)plan->duration_ms / 1000,
           (unsigned long long)plan->seed, dll, r->started, r->failed, r->peak,
           (long long)r->ops, r->ops * 1000.0 / (r->elapsed_ms + 1),
           (long long)r->moved, (long long)r->applied,
           (long long)sc__soak_lost(r), r->elapsed_ms / 1000.0);
}

int sc__soak_main(int argc, char **argv)
{
    /* Set only on SC_ARGS_OK; zeroed so that the compiler, which cannot see
     * that the switch below returns for every other result, sees it set. */
    struct sc_soak_plan plan = {0};
    struct sc_soak_report report;

    if (argc == 3 && strcmp(argv[1], SC_SOAK_CLIENT_FLAG) == 0)
        return sc__soak_client_main(argv[2]);
    switch (parse_args(argc, argv, &plan)) {
    case SC_ARGS_HELP:
        fputs(usage, stdout);
        return SC_EXIT_OK;
    case SC_ARGS_VERSION:
        return sc__print_program_version("sc_soak") == 0 ? SC_EXIT_OK
                                                         : SC_EXIT_FAILURE;
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_OK:
        break;
    }
    DWORD err = sc__soak_run(&plan, &report);
    print_report(&plan, &report);
    if (err != 0)
        fprintf(stderr, "sc_soak: stopped early: error %lu\n",
                (unsigned long)err);
    int ok = err == 0 && report.failed == 0 && sc__soak_lost(&report) == 0;
    printf("result:           %s\n", ok ? "OK" : "FAILED");
    return ok ? SC_EXIT_OK : SC_EXIT_FAILURE;
}

#if defined(SC_SOAK_PROGRAM)
/* sc_soak, for "make soak", is this file alone with this main. */
int main(int argc, char **argv)
{
    return sc__soak_main(argc, argv);
}
#endif
