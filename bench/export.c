/* CSV tables and the SVG plot; see export.h. */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "chart.h"
#include "message.h"
#include "variants.h"

/* Append mode creates a missing file but leaves an existing one alone; a
 * file that this check created goes again. */
static int check_writable(const char *path)
{
    if (path == NULL)
        return 0;
    int existed = GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
    FILE *f = fopen(path, "ab");
    if (f == NULL)
        return sc__bench_error("cannot write %s: %s", path, strerror(errno));
    fclose(f);
    if (!existed)
        remove(path);
    return 0;
}

int sc__bench_check_outputs(const struct sc_bench_options *o)
{
    return check_writable(o->csv_path) || check_writable(o->runs_csv_path) ||
           check_writable(o->svg_path);
}

typedef int (*writer_fn)(FILE *f, const struct sc_bench_results *r);

/* Binary mode: the files get "\n" line ends on every system. */
static int write_file(const char *path, writer_fn write,
                      const struct sc_bench_results *r)
{
    if (path == NULL)
        return 0;
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return sc__bench_error("cannot create %s: %s", path, strerror(errno));
    int failed = write(f, r) != 0 || ferror(f);
    if (fclose(f) != 0 || failed)
        return sc__bench_error("cannot write %s: %s", path, strerror(errno));
    return 0;
}

static int summary_rows(FILE *f, const struct sc_bench_results *r)
{
    fprintf(f, "variant,processes,repetitions,ns_per_op,ops_per_s,"
               "ops_per_s_min,ops_per_s_max,cost_vs_limit,increments,"
               "lost_updates\n");
    for (int v = 0; v < r->variant_count; v++)
        for (int p = 0; p < r->proc_count; p++) {
            struct sc_bench_summary s;
            sc__bench_summarize(r, v, p, &s);
            fprintf(f,
                    "%s,%d,%d,%.2f,%.0f,%.0f,%.0f,%.4f,%" PRIu64 ",%" PRId64
                    "\n",
                    sc__bench_variant(r->variants[v])->name, r->procs[p],
                    r->repetitions, s.ns_per_op, s.ops_per_s, s.ops_per_s_min,
                    s.ops_per_s_max, s.cost_vs_limit, s.ops, s.lost);
        }
    return 0;
}

static int run_rows(FILE *f, const struct sc_bench_results *r)
{
    fprintf(f, "variant,processes,repetition,increments,counted,seconds,"
               "ops_per_s,ns_per_op\n");
    for (int v = 0; v < r->variant_count; v++)
        for (int p = 0; p < r->proc_count; p++)
            for (int rep = 0; rep < r->repetitions; rep++) {
                const struct sc_bench_sample *s =
                    sc__bench_sample_at(r, v, p, rep);
                fprintf(f, "%s,%d,%d,%" PRIu64 ",%" PRId64 ",%.6f,%.0f,%.2f\n",
                        sc__bench_variant(r->variants[v])->name, r->procs[p],
                        rep + 1, s->ops, s->counted, s->seconds,
                        sc__bench_ops_per_s(s), s->ns_per_op);
            }
    return 0;
}

struct series_data {
    double y[SC_BENCH_MAX_COUNTS], lo[SC_BENCH_MAX_COUNTS],
        hi[SC_BENCH_MAX_COUNTS];
};

static int plot(FILE *f, const struct sc_bench_results *r)
{
    struct series_data data[SC_BENCH_MAX_VARIANTS];
    struct sc_chart_series series[SC_BENCH_MAX_VARIANTS];
    char subtitle[320];

    for (int v = 0; v < r->variant_count; v++) {
        for (int p = 0; p < r->proc_count; p++) {
            struct sc_bench_summary s;
            sc__bench_summarize(r, v, p, &s);
            data[v].y[p] = s.ops_per_s;
            data[v].lo[p] = s.ops_per_s_min;
            data[v].hi[p] = s.ops_per_s_max;
        }
        series[v] =
            (struct sc_chart_series){sc__bench_variant(r->variants[v])->name,
                                     data[v].y, data[v].lo, data[v].hi};
    }
    snprintf(subtitle, sizeof subtitle,
             "median of %d runs of %d ms, bars from min to max; %s",
             r->repetitions, r->duration_ms, r->machine);
    struct sc_chart chart = {
        "Increments per second of all processes together",
        subtitle,
        "processes incrementing at once",
        "increments per second (log scale)",
        r->procs,
        r->proc_count,
        series,
        r->variant_count,
    };
    return sc__chart_write_svg(f, &chart);
}

int sc__bench_write_csv(const char *path, const struct sc_bench_results *r)
{
    return write_file(path, summary_rows, r);
}

int sc__bench_write_runs_csv(const char *path, const struct sc_bench_results *r)
{
    return write_file(path, run_rows, r);
}

int sc__bench_write_svg(const char *path, const struct sc_bench_results *r)
{
    return write_file(path, plot, r);
}
