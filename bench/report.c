/* The report on the terminal and the check of the counts; see report.h. */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "numbers.h"
#include "variants.h"

/* The targets. */
#define TARGET_COST_VS_LIMIT 1.15
#define TARGET_VS_FILE_MAPPING 0.90

static int check_sample(const struct sc_bench_results *r, int v, int p, int rep)
{
    const struct sc_bench_variant *variant = sc__bench_variant(r->variants[v]);
    const struct sc_bench_sample *s = sc__bench_sample_at(r, v, p, rep);
    int64_t lost = (int64_t)s->ops - s->counted;

    /* Only the unsafe variant, and only in company, may lose updates. */
    if (lost == 0 || (lost > 0 && !variant->safe && r->procs[p] > 1))
        return 0;
    if (lost < 0)
        printf("FAIL: %s, %d processes, run %d: the counter moved %" PRId64
               " more than the %" PRIu64 " increments made; another program "
               "uses it\n",
               variant->name, r->procs[p], rep + 1, -lost, s->ops);
    else
        printf("FAIL: %s, %d processes, run %d: %" PRId64 " of %" PRIu64
               " increments lost\n",
               variant->name, r->procs[p], rep + 1, lost, s->ops);
    return 1;
}

int sc__bench_check(const struct sc_bench_results *r,
                    const struct sc_bench_launch_cost *cost)
{
    int failures = 0;

    for (int v = 0; v < r->variant_count; v++)
        for (int p = 0; p < r->proc_count; p++)
            for (int rep = 0; rep < r->repetitions; rep++)
                failures += check_sample(r, v, p, rep);
    if (cost != NULL && cost->counted != cost->increments) {
        printf("FAIL: %" PRId64 " client launches moved the counter by %" PRId64
               "\n",
               cost->increments, cost->counted);
        failures++;
    }
    return failures;
}

static const char *lost_text(const struct sc_bench_summary *s, char *buf,
                             size_t size)
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
    struct sc_bench_summary s;
    char median[16], min[16], max[16], spread[40], lost[64];

    sc__bench_summarize(r, v, p, &s);
    snprintf(spread, sizeof spread, "(%s - %s)",
             sc__bench_si(s.ops_per_s_min, min, sizeof min),
             sc__bench_si(s.ops_per_s_max, max, sizeof max));
    printf("%-14s %5d %10.1f %8s %-18s %8.2f  %s\n",
           sc__bench_variant(r->variants[v])->name, r->procs[p], s.ns_per_op,
           sc__bench_si(s.ops_per_s, median, sizeof median), spread,
           s.cost_vs_limit, lost_text(&s, lost, sizeof lost));
}

void sc__bench_print_table(const struct sc_bench_results *r)
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

void sc__bench_print_launch_cost(const struct sc_bench_launch_cost *cost)
{
    const struct sc_bench_spread *plain = &cost->plain_ms,
                                 *client = &cost->client_ms;

    printf("\nclient launch, start to exit, %d launches each, one at a time: "
           "median (min - max)\n",
           cost->launches);
    printf("  %-44s %8.2f ms (%.2f - %.2f)\n", "launch_plain.exe: no DLL",
           plain->median, plain->min, plain->max);
    printf("  %-44s %8.2f ms (%.2f - %.2f)\n",
           "launch_client.exe: loads the DLL, increments", client->median,
           client->min, client->max);
    /* Launch times under Wine tend to be bimodal, so the median may fall
     * into either mode; the fastest launches show the cost without noise. */
    printf("  the DLL adds %+.2f ms at the median (%.2fx), %+.2f ms at the "
           "fastest (%.2fx)\n",
           client->median - plain->median, client->median / plain->median,
           client->min - plain->min, client->min / plain->min);
    printf("  the clients' %" PRId64 " increments moved the counter by %" PRId64
           "\n",
           cost->increments, cost->counted);
}

static int index_of_procs(const struct sc_bench_results *r, int procs)
{
    for (int p = 0; p < r->proc_count; p++)
        if (r->procs[p] == procs)
            return p;
    return -1;
}

static void print_cost_target(const struct sc_bench_results *r, int sc,
                              int limit)
{
    int one = index_of_procs(r, 1);

    printf("  sharedcounter, 1 process, time per increment / the limit's: ");
    if (one < 0 || sc < 0 || limit < 0) {
        printf("not measured\n");
        return;
    }
    double cost = sc__bench_paired_ratio(r, limit, sc, one);
    printf("%.3f (target <= %.2f): %s\n", cost, TARGET_COST_VS_LIMIT,
           cost <= TARGET_COST_VS_LIMIT ? "met" : "MISSED");
}

static void print_mapping_target(const struct sc_bench_results *r, int sc,
                                 int mapping)
{
    double worst = HUGE_VAL;

    printf("  sharedcounter / file-mapping, ops/s of all processes:");
    for (int p = 0; p < r->proc_count && sc >= 0 && mapping >= 0; p++) {
        if (r->procs[p] < 2)
            continue;
        double ratio = sc__bench_paired_ratio(r, sc, mapping, p);
        printf(" %.3f (%d),", ratio, r->procs[p]);
        worst = fmin(worst, ratio);
    }
    if (worst == HUGE_VAL)
        printf(" not measured\n");
    else
        printf(" target >= %.2f: %s\n", TARGET_VS_FILE_MAPPING,
               worst >= TARGET_VS_FILE_MAPPING ? "met" : "MISSED");
}

static void print_lost_target(const struct sc_bench_results *r, int unsafe,
                              int failures)
{
    uint64_t ops = 0;
    int64_t lost = 0;

    if (failures == 0)
        printf("  lost updates: none in any run of a safe variant "
               "(each run checked)");
    else
        printf("  lost updates: %d FAILED checks, listed above", failures);
    for (int p = 0; p < r->proc_count && unsafe >= 0; p++) {
        struct sc_bench_summary s;
        sc__bench_summarize(r, unsafe, p, &s);
        if (r->procs[p] >= 2) {
            ops += s.ops;
            lost += s.lost;
        }
    }
    if (ops > 0)
        printf("; unsafe lost %" PRId64 " of %" PRIu64
               " increments (%.1f%%) with 2+ processes",
               lost, ops, 100.0 * (double)lost / (double)ops);
    printf("\n");
}

void sc__bench_print_targets(const struct sc_bench_results *r, int failures)
{
    int sc = sc__bench_measured(r, "sharedcounter");

    printf("\ntargets\n");
    print_cost_target(r, sc, sc__bench_measured(r, "limit"));
    print_mapping_target(r, sc, sc__bench_measured(r, "file-mapping"));
    print_lost_target(r, sc__bench_measured(r, "unsafe"), failures);
}
