/* The benchmark's report on the terminal, and the check of its counts. */
#ifndef SC_BENCH_REPORT_H
#define SC_BENCH_REPORT_H

#include "launch_cost.h"
#include "results.h"

/* Checks every timed run: a safe variant, and any variant in a single
 * process, must count every increment, and no counter may move further than
 * the increments made (that would be another program using it). Also checks
 * that every client launch counted its increment (cost may be NULL). Prints
 * a FAIL line for each broken rule; returns how many there were. */
int sc__bench_check(const struct sc_bench_results *r,
                    const struct sc_bench_launch_cost *cost);

/* The table of medians, one block per process count. */
void sc__bench_print_table(const struct sc_bench_results *r);

void sc__bench_print_launch_cost(const struct sc_bench_launch_cost *cost);

/* The targets, each with its measured ratio and met or missed. */
void sc__bench_print_targets(const struct sc_bench_results *r, int failures);

#endif /* SC_BENCH_REPORT_H */
