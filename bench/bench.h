/*
 * counter_bench: times sharedcounter against the physical limit and the
 * alternatives, in several processes at once. One program plays both parts:
 * the launcher the user starts (launcher.c), and the workers it starts from
 * itself (worker.c). report.c turns the timed runs into the table on stdout
 * and the CSV files that bench/plot.gp draws.
 */
#ifndef SC_BENCH_H
#define SC_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "wrapping.h"

enum {
    SC_BENCH_MAX_PROCS = 64,   /* largest process count */
    SC_BENCH_MAX_COUNTS = 8,   /* process counts in one run */
    SC_BENCH_MAX_VARIANTS = 8, /* entries of the variant table */
    SC_BENCH_MAX_REPETITIONS = 1000,
};

#if defined(__GNUC__)
#define SC_BENCH_PRINTF(format_arg, first_arg)                                 \
    __attribute__((format(printf, format_arg, first_arg)))
#else
#define SC_BENCH_PRINTF(format_arg, first_arg)
#endif

/* Prints "counter_bench: <message>" and a newline on stderr. Returns 1, the
 * exit status of a failed run, so that callers can return it directly. */
int sc__bench_error(const char *format, ...) SC_BENCH_PRINTF(1, 2);

/* ---- The worker side and the variants (worker.c) ----
 *
 * The launcher starts each worker as "counter_bench --worker <launcher pid>"
 * and writes one command a line to its stdin:
 *     run <variant name> <duration in ms> <increments between clock looks>
 * The worker answers on stdout with
 *     ready
 * once it waits for the start event, and when its time is up with
 *     done <increments> <first tick> <last tick> <counter change it saw>
 *          <median ticks of one batch>
 * (ticks of QueryPerformanceCounter, one clock for all processes). A
 * variant that runs until_stop ignores the duration and runs until the
 * launcher raises slots->stop. For the wake latency, one worker gets
 *     wake-wait <wakes>
 * and answers, after as many wakes, with
 *     wakes <median us> <p99 us> <max us>
 * and another gets "wake-add <wakes>" and answers "added". On any
 * failure it answers "error <text>" and exits with status 1. End of input
 * ends the worker with status 0.
 */

#define SC_BENCH_WORKER_FLAG "--worker"

typedef int64_t (*sc_bench_counter_fn)(void);

/* The counters of the file-mapping and named-mutex variants, each on a cache
 * line of its own so that one variant's traffic never slows the other. */
struct sc_bench_slots {
    _Alignas(64) volatile LONG64 atomic;
    _Alignas(64) volatile LONG64 locked;
    /* The waiting runs' own, away from the counters' lines. */
    _Alignas(64) volatile LONG stop; /* until_stop workers end */
    volatile LONG acked;             /* wakes the latency's waiter timed */
    volatile LONG64 stamp;           /* ticks just before the timed sc_add */
};

/* A DLL that some variant needs and the benchmark can do without. */
struct sc_bench_optional {
    HMODULE dll; /* NULL when not available */
    sc_bench_counter_fn increment, get;
    char note[160]; /* why it is not used */
};

/* What the variants count on: the named objects of one benchmark run and the
 * DLLs loaded at run time. The launcher and its workers open them in the
 * same way, so they all reach the same objects. */
struct sc_bench_targets {
    HANDLE start; /* manual-reset event: the workers of a run begin together */
    HANDLE mapping; /* holds struct sc_bench_slots */
    HANDLE mutex;   /* guards slots->locked */
    struct sc_bench_slots *slots;
    HMODULE loaded; /* sharedcounter.dll, at run time */
    sc_bench_counter_fn loaded_increment;
    struct sc_bench_optional hardened;
    /* sharedcounter_nowake.dll: the same code without the writers' look at
     * the waiting flag, to show what that look costs */
    struct sc_bench_optional nowake;
    const char *failed_step; /* what failed when open returns an error */
};

/* One way of counting. Each runs a batch of increments in a loop of its own,
 * with the operation written out inline, so that the operation is all that
 * differs between them. */
struct sc_bench_variant {
    const char *name;
    const char *what; /* one line for --help */
    int safe;         /* must never lose an update */
    int shared;       /* one counter for all processes, readable by any */
    /* Increments between two looks at the clock in the main runs: enough to
     * make the clock's cost vanish, few enough to stop soon after the
     * deadline. */
    uint32_t batch;
    /* n increments; returns 0, or the Win32 error that stopped it. */
    DWORD (*run)(struct sc_bench_targets *t, uint32_t n);
    /* The counter as this process sees it. */
    int64_t (*read)(const struct sc_bench_targets *t);
    /* NULL, or the optional DLL the variant needs. */
    const struct sc_bench_optional *(*optional)(
        const struct sc_bench_targets *t);
    /* Runs until the launcher raises slots->stop, not for a duration: a
     * waiter, which may sleep past any deadline. */
    int until_stop;
};

/* The variants, in the order the report lists them. */
int sc__bench_variant_count(void);
const struct sc_bench_variant *sc__bench_variant(int index);
/* The variant called name, or NULL: one of those above, or one of the
 * readers that the polling runs add beside a writer ("sc-get",
 * "locked-read"), which only read the counter. */
const struct sc_bench_variant *sc__bench_variant_find(const char *name);
int sc__bench_variant_available(const struct sc_bench_variant *v,
                                const struct sc_bench_targets *t);

/* Creates or opens the objects of the run that launcher_pid leads, and loads
 * the DLLs found next to this program. Returns 0, or the Win32 error code
 * with failed_step naming the call that failed. A missing or unusable
 * sharedcounter_hardened.dll is no error: hardened stays NULL and
 * hardened_note says why. */
DWORD sc__bench_targets_open(struct sc_bench_targets *t, DWORD launcher_pid);
void sc__bench_targets_close(struct sc_bench_targets *t);

int sc__bench_worker_main(DWORD launcher_pid);

/* ---- Results, checks and the report (report.c) ---- */

struct sc_bench_spread {
    double median, min, max;
};

/* What one timed run measured. */
struct sc_bench_sample {
    uint64_t ops;     /* increments the workers made */
    int64_t counted;  /* how far the counter moved meanwhile (wrapping) */
    double seconds;   /* from the first worker's start to the last one's end */
    double ns_per_op; /* mean over the workers of their own time per op */
    /* The sum over the workers of ops/s from their median batch time: their
     * speed while they ran, whether or not the CPUs were shared. */
    double running_ops_per_s;
};

/* "1 writer + K readers": the writer's variant in one worker, alone, and
 * beside K workers that read the same counter in a loop, look at it 60
 * times a second, or wait for it to change, the two in turns. */
enum { SC_BENCH_POLLING_PAIRS = 5 };

struct sc_bench_polling {
    const struct sc_bench_variant *writer, *reader;
    struct sc_bench_sample *alone, *polled; /* [repetition] */
    int readers;                            /* 0: the results' readers */
};

/* The wake latency, from just before sc_add() in one process to sc_wait()
 * returning in another, in microseconds over the wakes of one run. */
struct sc_bench_wakes {
    double median_us, p99_us, max_us;
};

enum { SC_BENCH_BUSY_WRITERS = 2 };

/* Every timed run of one benchmark. */
struct sc_bench_results {
    int duration_ms; /* of each timed run */
    int repetitions;
    const struct sc_bench_variant *variants[SC_BENCH_MAX_VARIANTS];
    int variant_count;
    const int *procs; /* process counts, ascending */
    int proc_count;
    struct sc_bench_sample *samples; /* [variant][process count][repetition] */
    int readers;                     /* 0: no polling runs */
    struct sc_bench_polling polling[SC_BENCH_POLLING_PAIRS];
    int polling_count;
    int wakes; /* 0: no latency runs */
    /* idle, and beside SC_BENCH_BUSY_WRITERS sc_increment() loops */
    struct sc_bench_wakes latency[2];
};

/* What a client pays to start, load sharedcounter.dll, increment once and
 * exit, against a program that does the same minus the DLL. */
struct sc_bench_launch_cost {
    int launches;                     /* timed launches of each program */
    struct sc_bench_spread plain_ms;  /* launch_plain.exe: no DLL */
    struct sc_bench_spread client_ms; /* launch_client.exe: DLL, increment */
    int64_t increments, counted;      /* client starts, counter change */
};

/* The median (mean of the middle two for an even count), minimum and
 * maximum of values[0..n-1], n >= 1. The values are sorted in place. */
struct sc_bench_spread sc__bench_spread(double *values, size_t n);

/* The readers of the pair, beside its writer. */
int sc__bench_polling_readers(const struct sc_bench_results *r,
                              const struct sc_bench_polling *pair);

struct sc_bench_sample *sc__bench_sample_at(const struct sc_bench_results *r,
                                            int variant, int procs, int rep);

/* Checks every timed run: a safe variant, and any variant in a single
 * process, must count every increment, and no counter may move further than
 * the increments made (that would be another program using it). Also checks
 * that every client launch counted its increment (cost may be NULL). Prints
 * a FAIL line for each broken rule; returns how many there were. */
int sc__bench_check(const struct sc_bench_results *r,
                    const struct sc_bench_launch_cost *cost);

/* The table, the launch cost (cost may be NULL) and the key ratios on
 * stdout; failures is what sc__bench_check() returned. */
void sc__bench_print(const struct sc_bench_results *r,
                     const struct sc_bench_launch_cost *cost, int failures);

/* Whether path (NULL: none) can be written, checked before the timing
 * starts; what is there already stays as it is. Returns 0, or 1 after a
 * message. */
int sc__bench_check_output(const char *path);

/* Write path (nothing when path is NULL): one row per variant and process
 * count, or one row per timed run. Return 0, or 1 after a message. */
int sc__bench_write_csv(const char *path, const struct sc_bench_results *r);
int sc__bench_write_runs_csv(const char *path,
                             const struct sc_bench_results *r);

#endif /* SC_BENCH_H */
