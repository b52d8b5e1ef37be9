/*
 * What the benchmark makes of its timed runs, the same on both systems: the
 * checks of the counts, the table and the verdict on stdout, and the CSV
 * files that bench/plot.gp draws.
 */
#include "bench.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One variant with one process count, over all repetitions. */
struct summary {
    double ops_per_s, ops_per_s_min, ops_per_s_max; /* median, spread */
    double ns_per_op;                               /* median */
    double cost_vs_limit; /* median of the limit's ops/s / this one's */
    double vs_peer;       /* median of this one's ops/s / the peer's */
    uint64_t ops;         /* summed over the repetitions */
    int64_t lost;         /* increments made but not counted, summed */
};

int sc__bench_error(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    fprintf(stderr, "%s: ", sc__bench_program);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    return 1;
}

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

/* value with an SI prefix and four significant digits: "162.4M", "31.05k". */
static const char *si(double value, char *buf, size_t size)
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

struct sc_bench_sample *sc__bench_sample_at(const struct sc_bench_results *r,
                                            int variant, int procs, int rep)
{
    return &r->samples[(variant * r->proc_count + procs) * r->repetitions +
                       rep];
}

static double ops_per_s(const struct sc_bench_sample *s)
{
    return (double)s->ops / s->seconds;
}

/* Increments made but not counted; negative when the counter moved further. */
static int64_t lost(const struct sc_bench_sample *s)
{
    return sc__wrapping_sub((int64_t)s->ops, s->counted);
}

/* Position of the variant called name in r->variants, or -1. */
static int measured(const struct sc_bench_results *r, const char *name)
{
    for (int i = 0; i < r->variant_count; i++)
        if (strcmp(r->variants[i]->name, name) == 0)
            return i;
    return -1;
}

/* Position of the variant with that role in r->variants, or -1. */
static int measured_role(const struct sc_bench_results *r,
                         enum sc_bench_role role)
{
    for (int i = 0; i < r->variant_count; i++)
        if (r->variants[i]->role == role)
            return i;
    return -1;
}

/* The median over the repetitions of variant a's ops/s divided by b's: each
 * repetition ran the two side by side, so drift in the machine's speed
 * between repetitions cancels out. 0 when either was not measured (-1). */
static double paired_ratio(const struct sc_bench_results *r, int a, int b,
                           int procs)
{
    double ratios[SC_BENCH_MAX_REPETITIONS];

    if (a < 0 || b < 0)
        return 0;
    for (int rep = 0; rep < r->repetitions; rep++)
        ratios[rep] = ops_per_s(sc__bench_sample_at(r, a, procs, rep)) /
                      ops_per_s(sc__bench_sample_at(r, b, procs, rep));
    return sc__bench_spread(ratios, (size_t)r->repetitions).median;
}

static void summarize(const struct sc_bench_results *r, int variant, int procs,
                      struct summary *s)
{
    double rates[SC_BENCH_MAX_REPETITIONS], ns[SC_BENCH_MAX_REPETITIONS];

    memset(s, 0, sizeof *s);
    for (int rep = 0; rep < r->repetitions; rep++) {
        const struct sc_bench_sample *x =
            sc__bench_sample_at(r, variant, procs, rep);
        rates[rep] = ops_per_s(x);
        ns[rep] = x->ns_per_op;
        s->ops += x->ops;
        s->lost = sc__wrapping_add(s->lost, lost(x));
    }
    struct sc_bench_spread rate =
        sc__bench_spread(rates, (size_t)r->repetitions);
    s->ops_per_s = rate.median;
    s->ops_per_s_min = rate.min;
    s->ops_per_s_max = rate.max;
    s->ns_per_op = sc__bench_spread(ns, (size_t)r->repetitions).median;
    s->cost_vs_limit =
        paired_ratio(r, measured_role(r, SC_BENCH_LIMIT), variant, procs);
    s->vs_peer =
        paired_ratio(r, variant, measured_role(r, SC_BENCH_PEER), procs);
}

/* One timed run of variant in procs processes, beside readers that only
 * read. */
static int check_run(const struct sc_bench_variant *variant, int procs,
                     int readers, int rep, const struct sc_bench_sample *s)
{
    char who[64];
    int64_t n = lost(s);

    /* Only an unsafe variant, and only in company, may lose updates. */
    if (n == 0 || (n > 0 && !variant->safe && procs > 1))
        return 0;
    snprintf(who, sizeof who, "%s, %d processes", variant->name, procs);
    if (readers > 0)
        snprintf(who + strlen(who), sizeof who - strlen(who), " and %d readers",
                 readers);
    if (n < 0)
        printf("FAIL: %s, run %d: the counter moved %" PRIu64
               " more than the %" PRIu64 " increments made; another program "
               "uses it\n",
               who, rep + 1, 0 - (uint64_t)n, s->ops);
    else
        printf("FAIL: %s, run %d: %" PRId64 " of %" PRIu64 " increments lost\n",
               who, rep + 1, n, s->ops);
    return 1;
}

int sc__bench_polling_readers(const struct sc_bench_results *r,
                              const struct sc_bench_polling *pair)
{
    return pair->readers > 0 ? pair->readers : r->readers;
}

int sc__bench_check(const struct sc_bench_results *r,
                    const struct sc_bench_launch_cost *cost)
{
    int failures = 0;

    for (int v = 0; v < r->variant_count; v++)
        for (int p = 0; p < r->proc_count; p++)
            for (int rep = 0; rep < r->repetitions; rep++)
                failures += check_run(r->variants[v], r->procs[p], 0, rep,
                                      sc__bench_sample_at(r, v, p, rep));
    for (int i = 0; i < r->polling_count; i++)
        for (int rep = 0; rep < r->repetitions; rep++) {
            const struct sc_bench_polling *pair = &r->polling[i];
            failures += check_run(pair->writer, 1, 0, rep, &pair->alone[rep]);
            failures +=
                check_run(pair->writer, 1, sc__bench_polling_readers(r, pair),
                          rep, &pair->polled[rep]);
        }
    if (cost != NULL && cost->counted != cost->increments) {
        printf("FAIL: %" PRId64 " client launches moved the counter by %" PRId64
               "\n",
               cost->increments, cost->counted);
        failures++;
    }
    return failures;
}

static const char *lost_text(const struct summary *s, char *buf, size_t size)
{
    if (s->lost == 0)
        snprintf(buf, size, "0");
    else
        snprintf(buf, size, "%" PRId64 " of %" PRIu64 " (%.1f%%)", s->lost,
                 s->ops, 100.0 * (double)s->lost / (double)s->ops);
    return buf;
}

static void print_row(const struct sc_bench_results *r, int v, int p)
{
    struct summary s;
    char median[16], min[16], max[16], spread[40], lost_buf[64];

    summarize(r, v, p, &s);
    snprintf(spread, sizeof spread, "(%s - %s)",
             si(s.ops_per_s_min, min, sizeof min),
             si(s.ops_per_s_max, max, sizeof max));
    printf("%-14s %5d %10.1f %8s %-18s %8.2f  %s\n", r->variants[v]->name,
           r->procs[p], s.ns_per_op, si(s.ops_per_s, median, sizeof median),
           spread, s.cost_vs_limit, lost_text(&s, lost_buf, sizeof lost_buf));
}

static void print_table(const struct sc_bench_results *r)
{
    printf("\nmedians of %d runs of %d ms; ns/op: each process's own time per "
           "increment;\nops/s: all processes together; x limit: the limit's "
           "ops/s over this one's\n\n",
           r->repetitions, r->duration_ms);
    printf("%-14s %5s %10s %8s %-18s %8s  %s\n", "variant", "procs", "ns/op",
           "ops/s", "(min - max)", "x limit", "lost updates");
    for (int p = 0; p < r->proc_count; p++) {
        for (int v = 0; v < r->variant_count; v++)
            print_row(r, v, p);
        if (p + 1 < r->proc_count)
            printf("\n");
    }
}

static void print_launch_cost(const struct sc_bench_launch_cost *cost)
{
    const struct sc_bench_spread *plain = &cost->plain_ms,
                                 *client = &cost->client_ms;

    printf("\nclient launch, start to exit, %d launches each, one at a time: "
           "median (min - max)\n",
           cost->launches);
    printf("  %-48s %8.2f ms (%.2f - %.2f)\n", "launch_plain: no library",
           plain->median, plain->min, plain->max);
    printf("  %-48s %8.2f ms (%.2f - %.2f)\n",
           "launch_client: loads the library, increments", client->median,
           client->min, client->max);
    /* Launch times under Wine tend to be bimodal, so the median may fall
     * into either mode; the fastest launches show the cost without noise. */
    printf("  the library adds %+.2f ms at the median (%.2fx), %+.2f ms at the "
           "fastest (%.2fx)\n",
           client->median - plain->median, client->median / plain->median,
           client->min - plain->min, client->min / plain->min);
    printf("  the clients' %" PRId64 " increments moved the counter by %" PRId64
           "\n",
           cost->increments, cost->counted);
}

static void print_cost_vs_limit(const struct sc_bench_results *r, int sc)
{
    int limit = measured_role(r, SC_BENCH_LIMIT);

    printf("  sharedcounter, 1 process, time per increment / the limit's: ");
    if (r->procs[0] != 1 || sc < 0 || limit < 0) {
        printf("not measured\n");
        return;
    }
    double cost = paired_ratio(r, limit, sc, 0);
    printf("%.3f (goal <= %.2f: %s)\n", cost, sc__bench_goals.cost_vs_limit,
           cost <= sc__bench_goals.cost_vs_limit ? "met" : "MISSED");
}

/* The same calls through pointers looked up at run time into the two
 * libraries, which differ only in the writers' look at the waiting flag. */
static void print_wake_check_cost(const struct sc_bench_results *r)
{
    int with = measured(r, "sc-runtime"), without = measured(r, "sc-nowake");

    if (r->procs[0] != 1 || with < 0 || without < 0)
        return;
    printf("  the look at the waiting flag, nobody waiting, 1 process: "
           "time per increment of sc-runtime / sc-nowake: %.3f\n",
           paired_ratio(r, without, with, 0));
}

static void print_vs_peer(const struct sc_bench_results *r, int sc)
{
    int peer = measured_role(r, SC_BENCH_PEER);
    double worst = HUGE_VAL;

    if (peer < 0)
        return;
    printf("  sharedcounter / %s, ops/s of all processes:",
           r->variants[peer]->name);
    for (int p = 0; p < r->proc_count && sc >= 0; p++) {
        if (r->procs[p] < 2)
            continue;
        double ratio = paired_ratio(r, sc, peer, p);
        printf(" %.3f (%d),", ratio, r->procs[p]);
        worst = ratio < worst ? ratio : worst;
    }
    if (worst == HUGE_VAL)
        printf(" not measured\n");
    else
        printf(" goal >= %.2f: %s\n", sc__bench_goals.vs_peer,
               worst >= sc__bench_goals.vs_peer ? "met" : "MISSED");
}

/* The median over the repetitions of rate(polled) / rate(alone): each
 * repetition ran the two side by side. */
static double polling_ratio(const struct sc_bench_results *r,
                            const struct sc_bench_polling *pair,
                            double (*rate)(const struct sc_bench_sample *))
{
    double ratios[SC_BENCH_MAX_REPETITIONS];

    for (int rep = 0; rep < r->repetitions; rep++)
        ratios[rep] = rate(&pair->polled[rep]) / rate(&pair->alone[rep]);
    return sc__bench_spread(ratios, (size_t)r->repetitions).median;
}

static double running_ops_per_s(const struct sc_bench_sample *s)
{
    return s->running_ops_per_s;
}

/* The goal holds for sharedcounter's writer beside any reader of its own;
 * the locked reads beside the peer's writer show what readers that write
 * cost. Readers cost the writer while it runs, by taking the cache
 * line; waiters cost it the wakes, which fall in few batches, so their goal
 * is judged on the wall-clock ratio, which counts every wake. */
static void print_polling(const struct sc_bench_results *r)
{
    double goal = sc__bench_goals.writer_with_readers;

    if (r->polling_count == 0)
        return;
    printf("  1 writer + %d readers polling, or waiting, the writer's ops/s "
           "with them / alone\n  (while it runs: from its median batch; "
           "wall-clock: the CPUs shared):\n",
           r->readers);
    for (int i = 0; i < r->polling_count; i++) {
        const struct sc_bench_polling *pair = &r->polling[i];
        double running = polling_ratio(r, pair, running_ops_per_s);
        double wall = polling_ratio(r, pair, ops_per_s);
        int waiting = pair->reader->until_stop;
        printf("    %-13s + %d %-11s %.3f while it runs", pair->writer->name,
               sc__bench_polling_readers(r, pair), pair->reader->name, running);
        if (strcmp(pair->writer->name, "sharedcounter") == 0 && !waiting)
            printf(" (goal >= %.2f: %s)", goal,
                   running >= goal ? "met" : "MISSED");
        printf(", %.3f wall-clock", wall);
        if (strcmp(pair->writer->name, "sharedcounter") == 0 && waiting)
            printf(" (goal >= %.2f: %s)", goal,
                   wall >= goal ? "met" : "MISSED");
        printf("\n");
    }
}

static void print_wakes(const struct sc_bench_results *r)
{
    static const char *const beside[2] = {"idle", "2 busy writers"};
    double goal = sc__bench_goals.wake_p99_us;

    if (r->wakes == 0)
        return;
    printf("  wake latency, sc_add() to sc_wait() returning in another "
           "process, %d wakes:\n",
           r->wakes);
    for (int i = 0; i < 2; i++)
        printf("    %-15s median %.1f us, p99 %.1f us (goal < %.0f us: %s), "
               "max %.1f us\n",
               beside[i], r->latency[i].median_us, r->latency[i].p99_us, goal,
               r->latency[i].p99_us < goal ? "met" : "MISSED",
               r->latency[i].max_us);
}

void sc__bench_print_verdict(const struct sc_bench_results *r, int failures)
{
    int unsafe = measured(r, "unsafe");
    uint64_t ops = 0;
    int64_t lost_sum = 0;

    if (failures == 0)
        printf("\nlost updates: none in any run of a safe variant "
               "(each run checked)");
    else
        printf("\nlost updates: %d FAILED checks, listed above", failures);
    for (int p = 0; p < r->proc_count && unsafe >= 0; p++) {
        struct summary s;
        summarize(r, unsafe, p, &s);
        if (r->procs[p] >= 2) {
            ops += s.ops;
            lost_sum = sc__wrapping_add(lost_sum, s.lost);
        }
    }
    if (ops > 0)
        printf("; unsafe lost %" PRId64 " of %" PRIu64
               " increments (%.1f%%) with 2+ processes",
               lost_sum, ops, 100.0 * (double)lost_sum / (double)ops);
    printf("\n");
}

void sc__bench_print(const struct sc_bench_results *r,
                     const struct sc_bench_launch_cost *cost)
{
    int sc = measured(r, "sharedcounter");

    print_table(r);
    if (cost != NULL)
        print_launch_cost(cost);
    printf("\nkey ratios\n");
    print_cost_vs_limit(r, sc);
    print_wake_check_cost(r);
    print_vs_peer(r, sc);
    print_polling(r);
    print_wakes(r);
}

/* Append mode creates a missing file but leaves an existing one alone; a
 * file that this check created goes again. */
int sc__bench_check_output(const char *path)
{
    if (path == NULL)
        return 0;
    FILE *f = fopen(path, "rb");
    int existed = f != NULL;
    if (existed)
        fclose(f);
    f = fopen(path, "ab");
    if (f == NULL)
        return sc__bench_error("cannot write %s: %s", path, strerror(errno));
    fclose(f);
    if (!existed)
        remove(path);
    return 0;
}

typedef void (*rows_fn)(FILE *f, const struct sc_bench_results *r);

/* Binary mode: the files get "\n" line ends on every system. */
static int write_file(const char *path, rows_fn rows,
                      const struct sc_bench_results *r)
{
    if (path == NULL)
        return 0;
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return sc__bench_error("cannot create %s: %s", path, strerror(errno));
    rows(f, r);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed)
        return sc__bench_error("cannot write %s: %s", path, strerror(errno));
    return 0;
}

static void summary_rows(FILE *f, const struct sc_bench_results *r)
{
    fprintf(f, "variant,processes,repetitions,duration_ms,ns_per_op,"
               "ops_per_s,ops_per_s_min,ops_per_s_max,cost_vs_limit,"
               "vs_peer,increments,lost_updates\n");
    for (int v = 0; v < r->variant_count; v++)
        for (int p = 0; p < r->proc_count; p++) {
            struct summary s;
            summarize(r, v, p, &s);
            fprintf(f,
                    "%s,%d,%d,%d,%.2f,%.0f,%.0f,%.0f,%.4f,%.4f,%" PRIu64
                    ",%" PRId64 "\n",
                    r->variants[v]->name, r->procs[p], r->repetitions,
                    r->duration_ms, s.ns_per_op, s.ops_per_s, s.ops_per_s_min,
                    s.ops_per_s_max, s.cost_vs_limit, s.vs_peer, s.ops, s.lost);
        }
}

static void run_rows(FILE *f, const struct sc_bench_results *r)
{
    fprintf(f, "variant,processes,repetition,increments,counted,seconds,"
               "ops_per_s,ns_per_op\n");
    for (int v = 0; v < r->variant_count; v++)
        for (int p = 0; p < r->proc_count; p++)
            for (int rep = 0; rep < r->repetitions; rep++) {
                const struct sc_bench_sample *s =
                    sc__bench_sample_at(r, v, p, rep);
                fprintf(f, "%s,%d,%d,%" PRIu64 ",%" PRId64 ",%.6f,%.0f,%.2f\n",
                        r->variants[v]->name, r->procs[p], rep + 1, s->ops,
                        s->counted, s->seconds, ops_per_s(s), s->ns_per_op);
            }
}

int sc__bench_write_csv(const char *path, const struct sc_bench_results *r)
{
    return write_file(path, summary_rows, r);
}

int sc__bench_write_runs_csv(const char *path, const struct sc_bench_results *r)
{
    return write_file(path, run_rows, r);
}
