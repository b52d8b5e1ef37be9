/*
 * The launcher's side of the timed runs: a pool of worker processes, started
 * once and reused for every run, so that no timed run pays for starting a
 * process. See worker.h for what the workers do.
 */
#ifndef SC_BENCH_POOL_H
#define SC_BENCH_POOL_H

#include <stdint.h>
#include <stdio.h>

#include "spawn.h"
#include "targets.h"

enum { SC_BENCH_MAX_PROCS = 64 };

/* What one timed run measured. */
struct sc_bench_sample {
    uint64_t ops;     /* increments the workers made */
    int64_t counted;  /* how far the counter moved meanwhile */
    double seconds;   /* from the first worker's start to the last one's end */
    double ns_per_op; /* mean over the workers of their own time per op */
};

struct sc_bench_pool {
    struct sc_child workers[SC_BENCH_MAX_PROCS];
    FILE *replies[SC_BENCH_MAX_PROCS]; /* each worker's stdout, buffered */
    int count;
    struct sc_bench_targets *targets; /* the launcher's own view */
};

/* Starts count workers of the run that this process leads. Returns 0 or the
 * error code; call sc__bench_pool_stop() in either case. */
DWORD sc__bench_pool_start(struct sc_bench_pool *pool, int count,
                           struct sc_bench_targets *targets);

/* Times variant in the first procs workers for duration_ms, all released at
 * once by the start event. Returns 0, or 1 after printing what failed. */
int sc__bench_pool_run(struct sc_bench_pool *pool, int variant, int procs,
                       int duration_ms, struct sc_bench_sample *sample);

/* Ends the workers. Returns 0, or 1 if one of them failed. */
int sc__bench_pool_stop(struct sc_bench_pool *pool);

#endif /* SC_BENCH_POOL_H */
