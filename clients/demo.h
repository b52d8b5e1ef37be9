/*
 * counter_demo: K counter_worker processes on the shared counter next to K
 * private_counter processes, all released at the same moment. The launcher
 * is counter_demo.c; what it prints is demo_report.c.
 */
#ifndef SC_DEMO_H
#define SC_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "spawn.h"

struct sc_demo_plan {
    int64_t clients;   /* K processes of each kind, at most 32 */
    int64_t times;     /* N additions per process, at most 10^9 */
    int64_t delta;     /* D per addition */
    int64_t timeout_s; /* the time limit, in seconds */
};

struct sc_demo_process {
    const char *program; /* file name, found next to counter_demo.exe */
    int shared;          /* works on sharedcounter.dll's counter */
    struct sc_child child;
    DWORD pid;
    DWORD exit_code;
    int killed;    /* still running at the time limit, so terminated */
    int has_value; /* exited 0 and printed a value line */
    int64_t last;  /* the last value it printed */
};

/* Says on stderr that p was killed at the plan's time limit. */
void sc__demo_report_killed(const struct sc_demo_plan *plan,
                            const struct sc_demo_process *p);

/* On a console, shows a progress bar of the shared counter, with its
 * ops/s, until every process has exited or the deadline (GetTickCount64())
 * has passed, then erases it. Does nothing when stdout is not a console,
 * so that the demo's output stays the same in a pipe or a file. */
void sc__demo_show_progress(const struct sc_demo_plan *plan,
                            const struct sc_demo_process *processes,
                            size_t count, int64_t before, ULONGLONG deadline);

/* Prints the plan, the table and the verdict on stdout; returns 0 when the
 * shared counter moved by exactly K*N*D (wrapping as the counter does) and
 * every private one ended at N*D, 1 otherwise. Whether stdout took it all
 * is for the caller to check. */
int sc__demo_report(const struct sc_demo_plan *plan,
                    const struct sc_demo_process *processes, size_t count,
                    int64_t before, int64_t after);

#endif /* SC_DEMO_H */
