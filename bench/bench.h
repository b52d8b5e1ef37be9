/*
 * The benchmark: sharedcounter's increment against the physical limit and
 * the alternatives a program has, in several processes at once, with every
 * update counted. One program per system over one core:
 *
 *     counter_bench.exe     launcher.c worker.c report.c bench_win32.c
 *     counter_bench_native  launcher.c worker.c report.c bench_posix.c
 *
 * The core is the same on both: the launcher (launcher.c) plans the timed
 * runs and drives a pool of worker processes through a line protocol; the
 * workers (worker.c) run the variants and time them; report.c checks every
 * run and writes the table and the CSV files. Each system's half gives the
 * variants that are its own, the shared memory, the start gate, the worker
 * processes and the launch of a program; the clock is the project's one
 * (clock.h).
 *
 * The protocol. The launcher writes one command a line to a worker:
 *     run <variant name> <duration in ms> <increments between clock looks>
 * The worker answers "ready" once it waits at the start gate, and when its
 * time is up
 *     done <increments> <first ns> <last ns> <counter change it saw>
 *          <median ns of one batch>
 * (on sc__clock_ns(), which all processes share). A variant that runs
 * until_stop ignores the duration and runs until the launcher raises
 * shared->stop. For the wake latency, one worker gets "wake-wait <wakes>" and
 * answers "ready", then, after as many wakes, wakes <median us> <p99 us> <max
 * us> and another gets "wake-add <wakes>" and answers "ready", then "added". On
 * any failure a worker answers "error <text>" and exits with status 1. The end
 * of its input ends it with status 0.
 */
#ifndef SC_BENCH_H
#define SC_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"
#include "wrapping.h"

enum {
    SC_BENCH_MAX_PROCS = 64,   /* largest process count */
    SC_BENCH_MAX_COUNTS = 8,   /* process counts in one run */
    SC_BENCH_MAX_VARIANTS = 9, /* entries of a system's variant table */
    SC_BENCH_MAX_REPETITIONS = 1000,
    SC_BENCH_BUSY_WRITERS = 2, /* beside the second wake latency */
};

#if defined(__GNUC__)
#define SC_BENCH_PRINTF(format_arg, first_arg)                                 \
    __attribute__((format(printf, format_arg, first_arg)))
#else
#define SC_BENCH_PRINTF(format_arg, first_arg)
#endif

/* Prints "<program>: <message>" and a newline on stderr. Returns 1, the exit
 * status of a failed run, so that callers can return it directly. */
int sc__bench_error(const char *format, ...) SC_BENCH_PRINTF(1, 2);

/* ---- The variants ---- */

/* What the variants count on: the shared memory, the objects and the
 * libraries loaded at run time. Each system's half defines it. */
struct sc_bench_targets;

/* How the report uses a variant: the limit is what the others' cost is
 * measured against; the peer is the increment a program would write itself
 * in memory that the system shares, which sharedcounter must keep up with. */
enum sc_bench_role { SC_BENCH_OTHER, SC_BENCH_LIMIT, SC_BENCH_PEER };

/* One way of counting. Each runs a batch of increments in a loop of its own,
 * with the operation written out inline, so that the operation is all that
 * differs between them. */
struct sc_bench_variant {
    const char *name;
    const char *what; /* one line for --help */
    enum sc_bench_role role;
    int safe;   /* must never lose an update */
    int shared; /* one counter for all processes, readable by any */
    /* Increments between two looks at the clock in the main runs: enough to
     * make the clock's cost vanish, few enough to stop soon after the
     * deadline. */
    uint32_t batch;
    /* n increments; 0, or -1 with the system's last error set. */
    int (*run)(struct sc_bench_targets *t, uint32_t n);
    /* The counter as this process sees it. */
    int64_t (*read)(const struct sc_bench_targets *t);
    /* NULL when the variant always runs; else NULL when it can run here,
     * or why not (a library that is not there). */
    const char *(*missing)(const struct sc_bench_targets *t);
    /* Runs until the launcher raises shared->stop, not for a duration: a
     * waiter, which may sleep past any deadline. */
    int until_stop;
};

/* The builds of the library that the benchmark loads at run time and
 * calls through pointers looked up by name (GetProcAddress, dlsym): the one
 * this program links, the hardened DLL, and the test build without the
 * writers' look at the waiting flag. */
enum sc_bench_build { SC_BENCH_RUNTIME, SC_BENCH_HARDENED, SC_BENCH_NOWAKE };
enum { SC_BENCH_BUILDS = 3 };

typedef int64_t (*sc_bench_counter_fn)(void);

struct sc_bench_library {
    sc_bench_counter_fn increment, get; /* NULL when it is not loaded */
    char missing[256];                  /* then why */
};

/* The portable variants (worker.c), which the systems' tables list: the
 * calls as linked, those through the builds above, and a plain ++ in this
 * program's own shared section. */
extern const struct sc_bench_variant sc__bench_sharedcounter;
extern const struct sc_bench_variant sc__bench_named;
extern const struct sc_bench_variant sc__bench_runtime;
extern const struct sc_bench_variant sc__bench_hardened;
extern const struct sc_bench_variant sc__bench_nowake;
extern const struct sc_bench_variant sc__bench_unsafe;

/* The variant called name, or NULL: one of the system's table, or one of
 * the readers that the polling runs add beside a writer, which only read. */
const struct sc_bench_variant *sc__bench_variant_find(const char *name);

/* The worker's side of the protocol above: reads commands from in and
 * answers on out until in ends. Returns the worker's exit status. */
int sc__bench_serve(struct sc_bench_targets *t, FILE *in, FILE *out);

/* What the processes of a run share besides the counters, in the system's
 * shared memory, away from the counters' cache lines. */
struct sc_bench_shared {
    _Alignas(64) volatile int64_t stop; /* the until_stop workers end */
    volatile int64_t acked;             /* wakes the waiter has timed */
    volatile int64_t stamp_ns;          /* just before the timed sc_add() */
};

/* ---- What each system gives (bench_win32.c, bench_posix.c) ---- */

/* The program's name, for its messages and --version. */
extern const char sc__bench_program[];

/* The system's variants in the order of the table, and the reader that the
 * peer's writer runs beside: a locked read of the peer's counter. */
extern const struct sc_bench_variant *const sc__bench_variants[];
extern const int sc__bench_variant_count;
extern const struct sc_bench_variant sc__bench_locked_read;

/* The project's goals on this system (docs/performance.md). */
struct sc_bench_goals {
    double cost_vs_limit;       /* sharedcounter alone: at most */
    double vs_peer;             /* with 2+ processes: at least */
    double writer_with_readers; /* at least */
    double wake_p99_us;         /* below */
};
extern const struct sc_bench_goals sc__bench_goals;

/* In the launcher: creates what the variants count on. NULL after a
 * message. Every worker reaches the same objects. */
struct sc_bench_targets *sc__bench_targets_open(void);
void sc__bench_targets_close(struct sc_bench_targets *t);
struct sc_bench_shared *sc__bench_shared(struct sc_bench_targets *t);
const struct sc_bench_library *
sc__bench_library(const struct sc_bench_targets *t, enum sc_bench_build build);

/* The start gate of a run: the launcher opens it when every worker of the
 * run is ready, all of them start at once, and the launcher closes it
 * again once each has reported. Waiting returns 0, or -1 with the system's
 * last error set (a launcher that never opens it is given up on). */
void sc__bench_gate_open(struct sc_bench_targets *t);
void sc__bench_gate_close(struct sc_bench_targets *t);
int sc__bench_gate_wait(struct sc_bench_targets *t);

/* Atomic, sequentially consistent. */
int64_t sc__bench_load(const volatile int64_t *p);
void sc__bench_store(volatile int64_t *p, int64_t value);

/* The worker processes. Each runs sc__bench_serve() on the targets, and
 * dies with the launcher, however the launcher ends. */
struct sc_bench_pool;

/* Starts count workers; NULL after a message. */
struct sc_bench_pool *sc__bench_pool_start(struct sc_bench_targets *t,
                                           int count);
/* Send a line (with its '\n') to worker i, or read one from it (without);
 * 0, or 1 after a message. */
int sc__bench_pool_send(struct sc_bench_pool *pool, int i, const char *line);
int sc__bench_pool_read(struct sc_bench_pool *pool, int i, char *line,
                        size_t size);
/* Ends the workers and frees the pool: they finish what they do and exit
 * at the end of their input, or with kill they are killed at once. 0, or 1
 * after a message when one of them failed. */
int sc__bench_pool_stop(struct sc_bench_pool *pool, int kill);

/* When argv starts a worker (Windows: "--worker <launcher pid>"), serves as
 * one and returns its exit status; otherwise returns -1. */
int sc__bench_worker_main(int argc, char **argv);

/* Runs program (a full path) without arguments to its end; *ms is the time
 * from its start to its exit. 0; -1 when program is not there; or 1 after
 * a message. */
int sc__bench_launch(const char *program, double *ms);

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

/* What a client pays to start, load the library, increment once and exit,
 * against a program that does the same minus the library. */
struct sc_bench_launch_cost {
    int launches;                     /* timed launches of each program */
    struct sc_bench_spread plain_ms;  /* launch_plain: no library */
    struct sc_bench_spread client_ms; /* launch_client: library, increment */
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
 * stdout. */
void sc__bench_print(const struct sc_bench_results *r,
                     const struct sc_bench_launch_cost *cost);

/* The verdict, the last line the program prints: failures is what
 * sc__bench_check() returned. */
void sc__bench_print_verdict(const struct sc_bench_results *r, int failures);

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
