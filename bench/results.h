/*
 * Every timed run of one benchmark, and the figures the report derives from
 * them. Variants are named here by their position in results->variants,
 * which holds their indexes in the variant table.
 */
#ifndef SC_BENCH_RESULTS_H
#define SC_BENCH_RESULTS_H

#include <stdint.h>

#include "options.h"
#include "pool.h"

enum { SC_BENCH_MAX_VARIANTS = 16 };

struct sc_bench_results {
    char machine[192]; /* where it ran */
    int duration_ms;   /* of each timed run */
    int repetitions;
    int variants[SC_BENCH_MAX_VARIANTS];
    int variant_count;
    const int *procs; /* process counts, ascending */
    int proc_count;
    struct sc_bench_sample *samples; /* [variant][process count][repetition] */
};

/* One variant with one process count, over all repetitions. */
struct sc_bench_summary {
    double ops_per_s, ops_per_s_min, ops_per_s_max; /* median, spread */
    double ns_per_op;                               /* median */
    double cost_vs_limit; /* median of the limit's ops/s / this one's */
    uint64_t ops;         /* summed over the repetitions */
    int64_t lost;         /* increments made but not counted, summed */
};

struct sc_bench_sample *sc__bench_sample_at(const struct sc_bench_results *r,
                                            int variant, int procs, int rep);

double sc__bench_ops_per_s(const struct sc_bench_sample *s);

/* Position of the variant called name in r->variants, or -1. */
int sc__bench_measured(const struct sc_bench_results *r, const char *name);

/* The median over the repetitions of variant a's ops/s divided by b's: each
 * repetition ran the two side by side, so drift in the machine's speed
 * between repetitions cancels out. 0 when either was not measured (-1). */
double sc__bench_paired_ratio(const struct sc_bench_results *r, int a, int b,
                              int procs);

void sc__bench_summarize(const struct sc_bench_results *r, int variant,
                         int procs, struct sc_bench_summary *s);

#endif /* SC_BENCH_RESULTS_H */
