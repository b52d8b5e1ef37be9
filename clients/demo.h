/*
 * counter_demo: K counter_worker processes on the shared counter next to K
 * private_counter processes, all released at the same moment.
 */
#ifndef SC_DEMO_H
#define SC_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "spawn.h"

struct sc_demo_plan {
    int64_t clients; /* K processes of each kind */
    int64_t times;   /* N additions per process */
    int64_t delta;   /* D per addition */
};

struct sc_demo_process {
    const char *program; /* file name, found next to counter_demo.exe */
    int shared;          /* works on sharedcounter.dll's counter */
    struct sc_child child;
    DWORD pid;
    DWORD exit_code;
    int has_value; /* exited 0 and printed a value line */
    int64_t last;  /* the last value it printed */
};

/* Starts every process suspended with the plan's --times and --delta, then
 * lets them all run at once. Returns 0, or -1 after reporting on stderr
 * (none is then left running). */
int sc__demo_start(const struct sc_demo_plan *plan,
                   struct sc_demo_process *processes, size_t count);

/* Waits for every process, reads the last value it printed, and passes on
 * what it wrote to stderr. */
void sc__demo_collect(struct sc_demo_process *processes, size_t count);

/* Prints the table and the verdict; returns the exit code: 0 when the
 * shared counter moved by exactly K*N*D and every private one ended at
 * N*D, 1 otherwise. */
int sc__demo_report(const struct sc_demo_plan *plan,
                    const struct sc_demo_process *processes, size_t count,
                    int64_t before, int64_t after);

#endif /* SC_DEMO_H */
