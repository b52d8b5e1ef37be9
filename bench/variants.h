/*
 * The ways of counting that the benchmark compares. Each runs a batch of
 * increments in a loop of its own, with the operation written out inline, so
 * that the operation is all that differs between them.
 */
#ifndef SC_BENCH_VARIANTS_H
#define SC_BENCH_VARIANTS_H

#include <stdint.h>

#include <windows.h>

#include "targets.h"

struct sc_bench_variant {
    const char *name;
    const char *what; /* one line for --help and the report */
    int safe;         /* must never lose an update */
    int shared;       /* one counter for all processes, readable by any */
    /* Increments between two looks at the clock: enough to make the clock's
     * cost vanish, few enough to stop soon after the deadline. */
    uint32_t batch;
    /* n increments; returns 0, or the Win32 error that stopped it. */
    DWORD (*run)(struct sc_bench_targets *t, uint32_t n);
    /* The counter as this process sees it. */
    int64_t (*read)(const struct sc_bench_targets *t);
    /* NULL, or whether what the variant needs was found. */
    int (*available)(const struct sc_bench_targets *t);
};

/* The variants, in the order the report lists them. */
int sc__bench_variant_count(void);
const struct sc_bench_variant *sc__bench_variant(int index);

/* Whether the variant can run with these targets. */
int sc__bench_variant_available(const struct sc_bench_variant *v,
                                const struct sc_bench_targets *t);

/* Index of the variant called name, or -1. */
int sc__bench_variant_find(const char *name);

#endif /* SC_BENCH_VARIANTS_H */
