/* A line chart as SVG with a logarithmic y axis; see chart.h. */
#include "chart.h"

#include <math.h>

enum { WIDTH = 820, HEIGHT = 500 };

/* The plot area; the legend goes to its right. */
static const double left = 80, right = WIDTH - 190, top = 70,
                    bottom = HEIGHT - 60;

static const char *const colors[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
    "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f",
};

struct scale {
    int low, high; /* decades, 10^low .. 10^high */
};

static double x_at(const struct sc_chart *c, int i)
{
    return left + (i + 0.5) * (right - left) / c->nx;
}

static double y_at(struct scale s, double value)
{
    return bottom - (log10(value) - s.low) / (s.high - s.low) * (bottom - top);
}

/* The decades that hold every value and every error bar. */
static struct scale fit_scale(const struct sc_chart *c)
{
    double min = HUGE_VAL, max = 0;

    for (int k = 0; k < c->ns; k++)
        for (int i = 0; i < c->nx; i++) {
            min = fmin(min, c->series[k].lo[i]);
            max = fmax(max, c->series[k].hi[i]);
        }
    struct scale s = {(int)floor(log10(min)), (int)ceil(log10(max))};
    if (s.low < 0)
        s.low = 0;
    if (s.high <= s.low)
        s.high = s.low + 1;
    return s;
}

/* "1", "10", "100", "1k", ... "100G". */
static void decade_label(int decade, char *buf, size_t size)
{
    static const char *const prefixes[] = {"", "k", "M", "G", "T", "P"};
    int group = decade / 3;

    if (group > 5)
        group = 5;
    snprintf(buf, size, "%.0f%s", pow(10, decade - 3 * group), prefixes[group]);
}

static void write_grid(FILE *f, struct scale s)
{
    char label[16];

    for (int d = s.low; d <= s.high; d++) {
        double y = y_at(s, pow(10, d));
        decade_label(d, label, sizeof label);
        fprintf(f,
                "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' "
                "stroke='#bbb'/>\n"
                "<text x='%.1f' y='%.1f' text-anchor='end'>%s</text>\n",
                left, y, right, y, left - 6, y + 4, label);
        for (int m = 2; m < 10 && d < s.high; m++) {
            double ym = y_at(s, m * pow(10, d));
            fprintf(f,
                    "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' "
                    "stroke='#eee'/>\n",
                    left, ym, right, ym);
        }
    }
}

static void write_axes(FILE *f, const struct sc_chart *c)
{
    fprintf(f,
            "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' "
            "stroke='#444'/>\n",
            left, top, right - left, bottom - top);
    for (int i = 0; i < c->nx; i++)
        fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle'>%d</text>\n",
                x_at(c, i), bottom + 18, c->x[i]);
    fprintf(f,
            "<text x='%.1f' y='%.1f' text-anchor='middle'>%s</text>\n"
            "<text transform='translate(%.1f %.1f) rotate(-90)' "
            "text-anchor='middle'>%s</text>\n",
            (left + right) / 2, bottom + 42, c->x_label, left - 58,
            (top + bottom) / 2, c->y_label);
    fprintf(f,
            "<text x='%.1f' y='28' text-anchor='middle' font-size='16'>%s"
            "</text>\n"
            "<text x='%.1f' y='50' text-anchor='middle' fill='#555'>%s"
            "</text>\n",
            WIDTH / 2.0, c->title, WIDTH / 2.0, c->subtitle);
}

static void write_series(FILE *f, const struct sc_chart *c, struct scale s,
                         int k)
{
    const struct sc_chart_series *series = &c->series[k];
    const char *color = colors[k % (sizeof colors / sizeof colors[0])];

    fprintf(f,
            "<g stroke='%s' fill='%s'>\n<polyline fill='none' "
            "stroke-width='2' points='",
            color, color);
    for (int i = 0; i < c->nx; i++)
        fprintf(f, "%s%.1f,%.1f", i ? " " : "", x_at(c, i),
                y_at(s, series->y[i]));
    fprintf(f, "'/>\n");
    for (int i = 0; i < c->nx; i++) {
        double x = x_at(c, i);
        fprintf(f,
                "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f'/>\n"
                "<circle cx='%.1f' cy='%.1f' r='3.5'/>\n",
                x, y_at(s, series->lo[i]), x, y_at(s, series->hi[i]), x,
                y_at(s, series->y[i]));
    }
    double y = top + 10 + 22 * k;
    fprintf(f,
            "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' "
            "stroke-width='2'/>\n"
            "<text x='%.1f' y='%.1f' stroke='none' fill='#000'>%s</text>\n"
            "</g>\n",
            right + 16, y, right + 40, y, right + 48, y + 4, series->name);
}

int sc__chart_write_svg(FILE *f, const struct sc_chart *c)
{
    struct scale s = fit_scale(c);

    fprintf(f,
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
            "viewBox='0 0 %d %d' font-family='sans-serif' font-size='12'>\n"
            "<rect width='100%%' height='100%%' fill='#fff'/>\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT);
    write_grid(f, s);
    write_axes(f, c);
    for (int k = 0; k < c->ns; k++)
        write_series(f, c, s, k);
    fprintf(f, "</svg>\n");
    return ferror(f) ? 1 : 0;
}
