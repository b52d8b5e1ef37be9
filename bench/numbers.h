/* Small numeric helpers of the report: medians, spreads, readable units. */
#ifndef SC_BENCH_NUMBERS_H
#define SC_BENCH_NUMBERS_H

#include <stddef.h>

struct sc_bench_spread {
    double median, min, max;
};

/* The median (mean of the middle two for an even count), minimum and
 * maximum of values[0..n-1], n >= 1. The values are sorted in place. */
struct sc_bench_spread sc__bench_spread(double *values, size_t n);

/* value with an SI prefix and four significant digits: "162.4M", "31.05k".
 * Returns buf. */
const char *sc__bench_si(double value, char *buf, size_t size);

#endif /* SC_BENCH_NUMBERS_H */
