/*
 * counter_demo: K counter_worker processes on the shared counter next to K
 * private_counter processes, all released at the same moment. The launcher
 * is counter_demo.c; what it prints is demo_report.c, and its live line
 * demo_live.c; how it starts and waits for the processes, demo_win32.c
 * (CreateProcessW, suspended) and demo_posix.c (posix_spawn, behind a
 * gate).
 */
#ifndef SC_DEMO_H
#define SC_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct sc_demo_plan {
    int64_t clients;   /* K processes of each kind, at most 32 */
    int64_t times;     /* N additions per process, at most 10^9 */
    int64_t delta;     /* D per addition */
    int64_t timeout_s; /* the time limit, in seconds */
};

/* A started process, as the platform holds it (demo_win32.c,
 * demo_posix.c). */
struct sc_demo_child;

struct sc_demo_process {
    const char *program;         /* file name, found next to counter_demo */
    int shared;                  /* works on the library's counter */
    struct sc_demo_child *child; /* from its start to its collection */
    unsigned long pid;
    unsigned long exit_code;
    int killed;    /* still running at the time limit, so terminated */
    int has_value; /* exited 0 and printed a value line */
    int64_t last;  /* the last value it printed */
};

/* Keeps what p left when it ended: its exit code, and the last value it
 * printed on stdout (out); passes on what it wrote to stderr (err). */
void sc__demo_ended(struct sc_demo_process *p, unsigned long exit_code,
                    const char *out, const char *err);

/* Says on stderr that p was killed at the plan's time limit. */
void sc__demo_report_killed(const struct sc_demo_plan *plan,
                            const struct sc_demo_process *p);

/* On a console or terminal, shows a progress bar of the shared counter,
 * with its ops/s, until every process has exited or the deadline
 * (sc__clock_ms()) has passed, then erases it (demo_live.c). Does
 * nothing when stdout is not a console or terminal, so that the demo's
 * output stays the same in a pipe or a file. */
void sc__demo_show_progress(const struct sc_demo_plan *plan,
                            const struct sc_demo_process *processes,
                            size_t count, int64_t before, uint64_t deadline);

/* Prints the plan, the table and the verdict on stdout; returns 0 when the
 * shared counter moved by exactly K*N*D (wrapping as the counter does) and
 * every private one ended at N*D, 1 otherwise. Whether stdout took it all
 * is for the caller to check. */
int sc__demo_report(const struct sc_demo_plan *plan,
                    const struct sc_demo_process *processes, size_t count,
                    int64_t before, int64_t after);

/* ---- the platform's part: demo_win32.c, demo_posix.c -------------------- */

/* The width in columns of the console or terminal that stdout is, or 0
 * when it is neither. */
int sc__demo_line_width(void);

/* Waits up to ms for every process to end (without collecting any).
 * Returns 1 when all have ended, 0 otherwise. */
int sc__demo_all_ended(const struct sc_demo_process *processes, size_t count,
                       unsigned ms);

/* Starts every process with the plan's --times and --delta, held back
 * until all are started, then lets them all run at once. Returns 0, or -1
 * after reporting on stderr (none is then left running). */
int sc__demo_start_all(const struct sc_demo_plan *plan,
                       struct sc_demo_process *processes, size_t count);

/* Waits for p until the deadline (sc__clock_ms()), killing it there,
 * reads the last value it printed, and passes on what it wrote to stderr. */
void sc__demo_collect(const struct sc_demo_plan *plan,
                      struct sc_demo_process *p, uint64_t deadline);

#endif /* SC_DEMO_H */
