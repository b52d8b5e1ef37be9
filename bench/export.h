/* The benchmark's results as files: CSV tables and an SVG plot. */
#ifndef SC_BENCH_EXPORT_H
#define SC_BENCH_EXPORT_H

#include "results.h"

/* Whether every file the options name can be written, checked before the
 * timing starts; what is there already stays as it is. Returns 0, or 1
 * after a message. */
int sc__bench_check_outputs(const struct sc_bench_options *o);

/* Each writes path (nothing when path is NULL). Returns 0, or 1 after a
 * message. */

/* One row per variant and process count: the figures of the table. */
int sc__bench_write_csv(const char *path, const struct sc_bench_results *r);

/* One row per timed run. */
int sc__bench_write_runs_csv(const char *path,
                             const struct sc_bench_results *r);

/* Operations per second against process count, one line per variant. */
int sc__bench_write_svg(const char *path, const struct sc_bench_results *r);

#endif /* SC_BENCH_EXPORT_H */
