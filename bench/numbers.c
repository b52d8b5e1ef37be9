/* Medians, spreads and readable units; see numbers.h. */
#include "numbers.h"

#include <stdio.h>
#include <stdlib.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct sc_bench_spread sc__bench_spread(double *values, size_t n)
{
    struct sc_bench_spread s;

    qsort(values, n, sizeof values[0], compare_doubles);
    s.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    s.min = values[0];
    s.max = values[n - 1];
    return s;
}

const char *sc__bench_si(double value, char *buf, size_t size)
{
    static const char prefixes[] = " kMGT";
    int i = 0;

    while (value >= 999.95 && prefixes[i + 1] != '\0') {
        value /= 1000;
        i++;
    }
    int decimals = value >= 99.995 ? 1 : value >= 9.9995 ? 2 : 3;
    if (i == 0)
        snprintf(buf, size, "%.*f", decimals, value);
    else
        snprintf(buf, size, "%.*f%c", decimals, value, prefixes[i]);
    return buf;
}
