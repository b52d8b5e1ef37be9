/* The benchmark as the user starts it: times every variant with every process
 * count, in turns, then reports. */
#include "launcher.h"

#include <stdio.h>
#include <stdlib.h>

#include "export.h"
#include "launch_cost.h"
#include "machine.h"
#include "message.h"
#include "pool.h"
#include "report.h"
#include "sharedcounter.h"
#include "variants.h"

static void choose_variants(struct sc_bench_results *r,
                            const struct sc_bench_targets *t)
{
    r->variant_count = 0;
    for (int i = 0; i < sc__bench_variant_count(); i++) {
        if (sc__bench_variant_available(sc__bench_variant(i), t))
            r->variants[r->variant_count++] = i;
        else
            printf("%s: skipped, %s\n", sc__bench_variant(i)->name,
                   t->hardened_note);
    }
}

/* One short run of each variant in every worker first, so that page faults
 * and lazy binding are paid outside the timed runs. */
static int warm_up(struct sc_bench_pool *pool, const struct sc_bench_results *r)
{
    struct sc_bench_sample ignored;
    int procs = r->procs[r->proc_count - 1];
    int duration_ms = r->duration_ms / 5 > 0 ? r->duration_ms / 5 : 1;

    for (int v = 0; v < r->variant_count; v++)
        if (sc__bench_pool_run(pool, r->variants[v], procs, duration_ms,
                               &ignored) != 0)
            return 1;
    return 0;
}

/* Within a repetition the variants take turns, each repetition starting
 * with the next one, so that slow drifts of the machine hit them all. */
static int time_all(struct sc_bench_pool *pool, struct sc_bench_results *r)
{
    printf("timing, repetition");
    for (int rep = 0; rep < r->repetitions; rep++) {
        printf(" %d", rep + 1);
        fflush(stdout);
        for (int p = 0; p < r->proc_count; p++)
            for (int k = 0; k < r->variant_count; k++) {
                int v = (k + rep) % r->variant_count;
                if (sc__bench_pool_run(pool, r->variants[v], r->procs[p],
                                       r->duration_ms,
                                       sc__bench_sample_at(r, v, p, rep)) != 0)
                    return 1;
            }
    }
    printf("\n");
    return 0;
}

static int measure(struct sc_bench_targets *t, struct sc_bench_results *r)
{
    struct sc_bench_pool pool;

    DWORD err = sc__bench_pool_start(&pool, r->procs[r->proc_count - 1], t);
    int failed = err != 0 ? sc__bench_error("cannot start the workers "
                                            "(error %lu)",
                                            (unsigned long)err)
                          : warm_up(&pool, r) || time_all(&pool, r);
    return sc__bench_pool_stop(&pool) || failed;
}

static int report(const struct sc_bench_options *o,
                  const struct sc_bench_results *r,
                  const struct sc_bench_launch_cost *cost)
{
    sc__bench_print_table(r);
    if (cost != NULL)
        sc__bench_print_launch_cost(cost);
    printf("\n");
    int failures = sc__bench_check(r, cost);
    sc__bench_print_targets(r, failures);
    int failed = sc__bench_write_csv(o->csv_path, r);
    failed |= sc__bench_write_runs_csv(o->runs_csv_path, r);
    failed |= sc__bench_write_svg(o->svg_path, r);
    return failures > 0 || failed;
}

static int run(const struct sc_bench_options *o, struct sc_bench_targets *t,
               struct sc_bench_results *r)
{
    struct sc_bench_launch_cost cost;

    printf("counter_bench, sharedcounter " SC_VERSION_STRING ": %s\n",
           r->machine);
    choose_variants(r, t);
    r->samples = calloc((size_t)r->variant_count * (size_t)r->proc_count *
                            (size_t)r->repetitions,
                        sizeof *r->samples);
    if (r->samples == NULL)
        return sc__bench_error("out of memory");
    if (measure(t, r) != 0)
        return 1;
    if (o->launches > 0 && sc__bench_launch_cost(o->launches, &cost) != 0)
        return 1;
    return report(o, r, o->launches > 0 ? &cost : NULL);
}

int sc__bench_launcher_main(const struct sc_bench_options *o)
{
    struct sc_bench_targets targets;
    struct sc_bench_results results = {
        .duration_ms = o->duration_ms,
        .repetitions = o->repetitions,
        .procs = o->procs,
        .proc_count = o->proc_count,
    };

    sc__bench_machine(results.machine, sizeof results.machine);
    if (sc__bench_check_outputs(o) != 0)
        return 1;
    DWORD err = sc__bench_targets_open(&targets, GetCurrentProcessId());
    int status = err != 0
                     ? sc__bench_error("%s failed (error %lu)",
                                       targets.failed_step, (unsigned long)err)
                     : run(o, &targets, &results);
    free(results.samples);
    sc__bench_targets_close(&targets);
    return status;
}
