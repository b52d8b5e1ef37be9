/* Figures derived from the timed runs; see results.h. */
#include "results.h"

#include <string.h>

#include "numbers.h"
#include "variants.h"

struct sc_bench_sample *sc__bench_sample_at(const struct sc_bench_results *r,
                                            int variant, int procs, int rep)
{
    return &r->samples[(variant * r->proc_count + procs) * r->repetitions +
                       rep];
}

double sc__bench_ops_per_s(const struct sc_bench_sample *s)
{
    return (double)s->ops / s->seconds;
}

int sc__bench_measured(const struct sc_bench_results *r, const char *name)
{
    for (int i = 0; i < r->variant_count; i++)
        if (strcmp(sc__bench_variant(r->variants[i])->name, name) == 0)
            return i;
    return -1;
}

double sc__bench_paired_ratio(const struct sc_bench_results *r, int a, int b,
                              int procs)
{
    double ratios[SC_BENCH_MAX_REPETITIONS];

    if (a < 0 || b < 0)
        return 0;
    for (int rep = 0; rep < r->repetitions; rep++)
        ratios[rep] =
            sc__bench_ops_per_s(sc__bench_sample_at(r, a, procs, rep)) /
            sc__bench_ops_per_s(sc__bench_sample_at(r, b, procs, rep));
    return sc__bench_spread(ratios, (size_t)r->repetitions).median;
}

void sc__bench_summarize(const struct sc_bench_results *r, int variant,
                         int procs, struct sc_bench_summary *s)
{
    double rates[SC_BENCH_MAX_REPETITIONS], ns[SC_BENCH_MAX_REPETITIONS];

    memset(s, 0, sizeof *s);
    for (int rep = 0; rep < r->repetitions; rep++) {
        const struct sc_bench_sample *x =
            sc__bench_sample_at(r, variant, procs, rep);
        rates[rep] = sc__bench_ops_per_s(x);
        ns[rep] = x->ns_per_op;
        s->ops += x->ops;
        s->lost += (int64_t)x->ops - x->counted;
    }
    struct sc_bench_spread rate =
        sc__bench_spread(rates, (size_t)r->repetitions);
    s->ops_per_s = rate.median;
    s->ops_per_s_min = rate.min;
    s->ops_per_s_max = rate.max;
    s->ns_per_op = sc__bench_spread(ns, (size_t)r->repetitions).median;
    s->cost_vs_limit = sc__bench_paired_ratio(r, sc__bench_measured(r, "limit"),
                                              variant, procs);
}
