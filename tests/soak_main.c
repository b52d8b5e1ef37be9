/*
 * sc_soak: a bounded soak of the shared counter (see soak.h), for
 * "make soak". Run it alone: any other program that updates the same
 * counter meanwhile shows up as lost or extra updates.
 */
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "sharedcounter.h"
#include "soak.h"

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

int main(int argc, char **argv)
{
    struct sc_soak_plan plan;
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
