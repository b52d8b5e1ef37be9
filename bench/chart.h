/* A line chart as SVG, with a logarithmic y axis: enough for the benchmark's
 * plot of operations per second against process counts. */
#ifndef SC_BENCH_CHART_H
#define SC_BENCH_CHART_H

#include <stdio.h>

struct sc_chart_series {
    const char *name;
    const double *y;       /* one value per x, all > 0 */
    const double *lo, *hi; /* error bar around each y */
};

/* Text is written as it is: it must not contain '<' or '&'. */
struct sc_chart {
    const char *title, *subtitle;
    const char *x_label, *y_label;
    const int *x; /* categories, drawn evenly spaced */
    int nx;
    const struct sc_chart_series *series;
    int ns;
};

/* Returns 0, or 1 if the file could not be written. */
int sc__chart_write_svg(FILE *f, const struct sc_chart *c);

#endif /* SC_BENCH_CHART_H */
