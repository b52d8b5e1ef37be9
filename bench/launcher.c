/*
 * The benchmark as the user starts it, the same on both systems: the
 * options, the plan (every variant with every process count, in turns),
 * the runs it has the pool of workers time, the polling runs, the wake
 * latency and the launch cost of a client. It reports through report.c.
 */
#include "bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child_process.h"
#include "options.h"
#include "sharedcounter.h"
#include "text_paths.h"

/* ---- Options ---- */

struct options {
    int repetitions;
    int duration_ms;
    int procs[SC_BENCH_MAX_COUNTS]; /* process counts, ascending */
    int proc_count;
    int launches;              /* of each probe; 0 skips the launch cost */
    int readers;               /* beside one writer; 0 skips those runs */
    int wakes;                 /* timed wakes; 0 skips the latency */
    const char *csv_path;      /* NULL: no summary CSV */
    const char *runs_csv_path; /* NULL: no CSV of single runs */
};

enum {
    OPTION_REPETITIONS,
    OPTION_DURATION,
    OPTION_PROCESSES,
    OPTION_LAUNCHES,
    OPTION_READERS,
    OPTION_WAKES,
    OPTION_CSV,
    OPTION_RUNS_CSV,
    OPTION_COUNT
};

/* The options with their defaults, and the room the process counts are
 * parsed into. */
struct command_line {
    int64_t procs[SC_BENCH_MAX_COUNTS];
    struct sc_option options[OPTION_COUNT];
};

static const struct {
    const char *value_name, *text;
} option_help[OPTION_COUNT] = {
    [OPTION_REPETITIONS] = {"N", "timed runs per variant and process count"},
    [OPTION_DURATION] = {"MS", "length of one timed run in ms"},
    [OPTION_PROCESSES] = {"LIST", "process counts, comma-separated"},
    [OPTION_LAUNCHES] = {"N", "starts of each probe for the launch cost; "
                              "0 skips it"},
    [OPTION_READERS] = {"K", "readers beside one writer; 0 skips those "
                             "runs"},
    [OPTION_WAKES] = {"N", "timed wakes of sc_wait(); 0 skips them"},
    [OPTION_CSV] = {"FILE", "write the table as CSV"},
    [OPTION_RUNS_CSV] = {"FILE", "write every timed run as CSV"},
};

static void command_line_init(struct command_line *c)
{
    static const int64_t default_procs[] = {1, 2, 4, 8};
    enum {
        DEFAULT_PROC_COUNT = sizeof default_procs / sizeof default_procs[0]
    };

    memcpy(c->procs, default_procs, sizeof default_procs);
    struct sc_option options[OPTION_COUNT] = {
        [OPTION_REPETITIONS] =
            SC_INT_OPTION("--repetitions", 1, SC_BENCH_MAX_REPETITIONS, 15),
        [OPTION_DURATION] = SC_INT_OPTION("--duration", 1, 60000, 50),
        [OPTION_PROCESSES] = SC_INT_LIST_OPTION(
            "--processes", 1, SC_BENCH_MAX_PROCS, c->procs, DEFAULT_PROC_COUNT),
        [OPTION_LAUNCHES] = SC_INT_OPTION("--launches", 0, 10000, 40),
        [OPTION_READERS] =
            SC_INT_OPTION("--readers", 0, SC_BENCH_MAX_PROCS - 1, 7),
        [OPTION_WAKES] = SC_INT_OPTION("--wakes", 0, 10000, 1000),
        [OPTION_CSV] = SC_STRING_OPTION("--csv", NULL),
        [OPTION_RUNS_CSV] = SC_STRING_OPTION("--runs-csv", NULL),
    };
    memcpy(c->options, options, sizeof options);
}

/* The range and default of an option, as the help shows them. */
static void print_range(const struct sc_option *o)
{
    if (o->kind == SC_OPTION_INT) {
        printf(" (%" PRId64 "-%" PRId64 ", default %" PRId64 ")", o->min,
               o->max, o->value);
    } else if (o->kind == SC_OPTION_INT_LIST) {
        printf(", %" PRId64 "-%" PRId64 " (default", o->min, o->max);
        for (size_t i = 0; i < o->list_len; i++)
            printf("%c%" PRId64, i == 0 ? ' ' : ',', o->list[i]);
        printf(")");
    }
}

static const struct sc_bench_variant *find_role(enum sc_bench_role role)
{
    for (int i = 0; i < sc__bench_variant_count; i++)
        if (sc__bench_variants[i]->role == role)
            return sc__bench_variants[i];
    return NULL;
}

static void usage(void)
{
    struct command_line defaults;

    command_line_init(&defaults);
    printf("usage: %s [options]\n\n"
           "Times one increment of a counter that several processes share, "
           "in each of\nthese ways, side by side in one run:\n",
           sc__bench_program);
    for (int i = 0; i < sc__bench_variant_count; i++)
        printf("  %-14s %s\n", sc__bench_variants[i]->name,
               sc__bench_variants[i]->what);
    printf("(a build loaded at run time only when it is there). Each runs "
           "with every\nprocess count, all processes released together, "
           "several times, the variants\ntaking turns. Then one writer alone "
           "and beside readers that poll, view or\nwait for its counter (and "
           "%s's writer beside locked reads); the wake\nlatency of sc_wait(); "
           "and the start of a client that loads the library\nagainst one "
           "that does not.\n\noptions:\n",
           find_role(SC_BENCH_PEER)->name);
    for (int i = 0; i < OPTION_COUNT; i++) {
        char left[32];
        snprintf(left, sizeof left, "%s %s", defaults.options[i].name,
                 option_help[i].value_name);
        printf("  %-19s %s", left, option_help[i].text);
        print_range(&defaults.options[i]);
        printf("\n");
    }
    printf("  --help              show this text\n"
           "  --version           show the version\n\n"
           "Either form works: \"--duration 20\" or \"--duration=20\".\n\n"
           "Exit status: 0 done; 1 a safe variant lost an update, or a run "
           "failed;\n2 bad usage.\n");
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The parser has checked every range, so each value fits an int. */
static void take_options(const struct command_line *c, struct options *o)
{
    const struct sc_option *opt = c->options;
    const struct sc_option *procs = &opt[OPTION_PROCESSES];

    o->repetitions = (int)opt[OPTION_REPETITIONS].value;
    o->duration_ms = (int)opt[OPTION_DURATION].value;
    o->launches = (int)opt[OPTION_LAUNCHES].value;
    o->readers = (int)opt[OPTION_READERS].value;
    o->wakes = (int)opt[OPTION_WAKES].value;
    o->csv_path = opt[OPTION_CSV].text;
    o->runs_csv_path = opt[OPTION_RUNS_CSV].text;
    o->proc_count = (int)procs->list_len;
    for (size_t i = 0; i < procs->list_len; i++)
        o->procs[i] = (int)procs->list[i];
    qsort(o->procs, procs->list_len, sizeof o->procs[0], compare_ints);
}

/* Returns -1 to run, or the exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
    struct command_line c;

    command_line_init(&c);
    switch (sc__parse_args(argc, argv, sc__bench_program, c.options,
                           OPTION_COUNT)) {
    case SC_ARGS_HELP:
        usage();
        return SC_EXIT_OK;
    case SC_ARGS_VERSION:
        return sc__print_program_version(sc__bench_program) == 0
                   ? SC_EXIT_OK
                   : SC_EXIT_FAILURE;
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_OK:
        break;
    }
    take_options(&c, o);
    return -1;
}

/* ---- Timed runs in the pool of workers ---- */

/* What one worker reported for a run. */
struct report {
    uint64_t ops;
    int64_t first, last; /* ns */
    int64_t seen;        /* counter change as that worker saw it */
    int64_t batch;       /* median ns of one batch */
};

/* Started once and reused for every run, so that no timed run pays for
 * starting a process. */
struct pool {
    struct sc_bench_pool *workers;
    struct sc_bench_targets *targets; /* the launcher's own view */
};

/* Reads the next line of worker i; 1 after a message if the worker
 * reported an error. */
static int read_reply(struct pool *pool, int i, char *line, size_t size)
{
    if (sc__bench_pool_read(pool->workers, i, line, size) != 0)
        return 1;
    if (strncmp(line, "error ", 6) == 0)
        return sc__bench_error("worker %d: %s", i, line + 6);
    return 0;
}

static int expect_ready(struct pool *pool, int procs)
{
    char line[256];

    for (int i = 0; i < procs; i++) {
        if (read_reply(pool, i, line, sizeof line) != 0)
            return 1;
        if (strcmp(line, "ready") != 0)
            return sc__bench_error("worker %d: \"%s\" instead of \"ready\"", i,
                                   line);
    }
    return 0;
}

/* Workers from to to-1. A reader's batch may be too quick for the clock
 * (a wait that returned at once): only a writer's must take time. */
static int collect_reports(struct pool *pool, int from, int to, int writers,
                           struct report *reports)
{
    char line[256];

    for (int i = from; i < to; i++) {
        struct report *r = &reports[i];
        if (read_reply(pool, i, line, sizeof line) != 0)
            return 1;
        if (sscanf(line,
                   "done %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64
                   " %" SCNd64,
                   &r->ops, &r->first, &r->last, &r->seen, &r->batch) != 5 ||
            r->ops == 0 || r->last < r->first ||
            (i < writers && (r->last == r->first || r->batch <= 0)))
            return sc__bench_error("worker %d: bad report \"%s\"", i, line);
    }
    return 0;
}

static void summarize_reports(const struct report *reports, int procs,
                              uint32_t batch, int64_t shared_change, int shared,
                              struct sc_bench_sample *sample)
{
    int64_t first = reports[0].first, last = reports[0].last, seen = 0;
    double ns_sum = 0;

    sample->ops = 0;
    sample->running_ops_per_s = 0;
    for (int i = 0; i < procs; i++) {
        const struct report *r = &reports[i];
        sample->ops += r->ops;
        sample->running_ops_per_s += batch * 1e9 / (double)r->batch;
        seen = sc__wrapping_add(seen, r->seen);
        first = r->first < first ? r->first : first;
        last = r->last > last ? r->last : last;
        ns_sum += (double)(r->last - r->first) / (double)r->ops;
    }
    /* A process-local counter is seen only by its own process. */
    sample->counted = shared ? shared_change : seen;
    sample->seconds = (double)(last - first) / 1e9;
    sample->ns_per_op = ns_sum / procs;
}

static int send_run(struct pool *pool, int i, const struct sc_bench_variant *v,
                    int duration_ms, uint32_t batch)
{
    char command[80];

    snprintf(command, sizeof command, "run %s %d %lu\n", v->name, duration_ms,
             (unsigned long)batch);
    return sc__bench_pool_send(pool->workers, i, command);
}

/* What one timed run runs: v in the first procs workers, batch increments
 * between two looks at the clock, and reader (NULL when readers is 0) in the
 * next readers workers. */
struct run_plan {
    const struct sc_bench_variant *v;
    int procs;
    uint32_t batch;
    const struct sc_bench_variant *reader;
    int readers;
};

/* Ends the until_stop workers. They look at stop between their waits, and
 * this increment wakes those asleep; one that has not yet seen stop returns
 * from its next wait at once, its seen being older than this increment. */
static void stop_workers(struct pool *pool)
{
    sc__bench_store(&sc__bench_shared(pool->targets)->stop, 1);
    sc_increment();
}

/* After a run in which every worker has reported, so that none is still
 * at the gate or looking at stop. */
static void reopen_for_next_run(struct pool *pool)
{
    sc__bench_gate_close(pool->targets);
    sc__bench_store(&sc__bench_shared(pool->targets)->stop, 0);
}

/* Times the plan for duration_ms, all its workers released at once by the
 * start gate. The sample is that of the procs workers running v. Returns
 * 0, or 1 after printing what failed. */
static int pool_run(struct pool *pool, const struct run_plan *plan,
                    int duration_ms, struct sc_bench_sample *sample)
{
    struct report reports[SC_BENCH_MAX_PROCS];
    const struct sc_bench_variant *v = plan->v;
    int procs = plan->procs, all = plan->procs + plan->readers;

    for (int i = 0; i < all; i++)
        if (send_run(pool, i, i < procs ? v : plan->reader, duration_ms,
                     i < procs ? plan->batch : plan->reader->batch) != 0)
            return 1;
    if (expect_ready(pool, all) != 0)
        return 1;

    int64_t before = v->read(pool->targets);
    sc__bench_gate_open(pool->targets);
    int failed = collect_reports(pool, 0, procs, procs, reports);
    int64_t after = v->read(pool->targets);
    if (plan->readers > 0 && plan->reader->until_stop)
        stop_workers(pool);
    if (failed || collect_reports(pool, procs, all, procs, reports) != 0)
        return 1;
    reopen_for_next_run(pool);
    summarize_reports(reports, procs, plan->batch,
                      sc__wrapping_sub(after, before), v->shared, sample);
    return 0;
}

/* ---- The plan ---- */

static void choose_variants(struct sc_bench_results *r,
                            const struct sc_bench_targets *t)
{
    r->variant_count = 0;
    for (int i = 0; i < sc__bench_variant_count; i++) {
        const struct sc_bench_variant *v = sc__bench_variants[i];
        const char *missing = v->missing != NULL ? v->missing(t) : NULL;
        if (missing == NULL)
            r->variants[r->variant_count++] = v;
        else
            printf("%s: skipped, %s\n", v->name, missing);
    }
}

/* One short run of each variant in every worker first, so that page faults
 * and lazy binding are paid outside the timed runs. */
static int warm_up(struct pool *pool, const struct sc_bench_results *r)
{
    struct sc_bench_sample ignored;
    int procs = r->procs[r->proc_count - 1];
    int duration_ms = r->duration_ms / 5 > 0 ? r->duration_ms / 5 : 1;

    for (int v = 0; v < r->variant_count; v++)
        if (pool_run(pool,
                     &(struct run_plan){r->variants[v], procs,
                                        r->variants[v]->batch, NULL, 0},
                     duration_ms, &ignored) != 0)
            return 1;
    return 0;
}

/* Within a repetition the variants take turns, each repetition starting
 * with the next one, so that slow drifts of the machine hit them all. */
static int time_all(struct pool *pool, struct sc_bench_results *r)
{
    printf("timing, repetition");
    for (int rep = 0; rep < r->repetitions; rep++) {
        printf(" %d", rep + 1);
        fflush(stdout);
        for (int p = 0; p < r->proc_count; p++)
            for (int k = 0; k < r->variant_count; k++) {
                int v = (k + rep) % r->variant_count;
                if (pool_run(pool,
                             &(struct run_plan){r->variants[v], r->procs[p],
                                                r->variants[v]->batch, NULL, 0},
                             r->duration_ms,
                             sc__bench_sample_at(r, v, p, rep)) != 0)
                    return 1;
            }
    }
    printf("\n");
    return 0;
}

/* ---- 1 writer + K readers polling ---- */

/* Readers 0 is --readers: sharedcounter's writer beside readers that spin
 * on the counter, beside views that look at it 60 times a second, and
 * beside 1 and 8 processes that wait for it to change; and the peer beside
 * readers that read it with a locked instruction (NULL: the peer). */
static const struct {
    const char *writer, *reader;
    int readers;
} polling_pairs[SC_BENCH_POLLING_PAIRS] = {
    {"sharedcounter", "sc-get", 0},  {"sharedcounter", "sc-view", 0},
    {"sharedcounter", "sc-wait", 1}, {"sharedcounter", "sc-wait", 8},
    {NULL, "locked-read", 0},
};

/* Returns 0, or 1 after a message. */
static int choose_polling(struct sc_bench_results *r, int readers)
{
    r->readers = readers;
    r->polling_count = 0;
    for (int i = 0; i < SC_BENCH_POLLING_PAIRS && readers > 0; i++) {
        struct sc_bench_polling *pair = &r->polling[r->polling_count++];
        pair->writer = polling_pairs[i].writer != NULL
                           ? sc__bench_variant_find(polling_pairs[i].writer)
                           : find_role(SC_BENCH_PEER);
        pair->reader = sc__bench_variant_find(polling_pairs[i].reader);
        pair->readers = polling_pairs[i].readers;
        pair->alone = calloc((size_t)r->repetitions, sizeof *pair->alone);
        pair->polled = calloc((size_t)r->repetitions, sizeof *pair->polled);
        if (pair->alone == NULL || pair->polled == NULL)
            return sc__bench_error("out of memory");
    }
    return 0;
}

static void free_polling(struct sc_bench_results *r)
{
    for (int i = 0; i < r->polling_count; i++) {
        free(r->polling[i].alone);
        free(r->polling[i].polled);
    }
}

/* The writer looks at the clock every POLLING_BATCH increments, some ten
 * microseconds: a batch is then seldom cut by the scheduler, and the median
 * batch shows the writer's speed while it runs even when the processes
 * outnumber the CPUs. */
enum { POLLING_BATCH = 1024 };

/* Each writer alone and beside its readers, in turns that start one further
 * each repetition; an untimed round first (repetition -1) warms up the
 * readers. */
static int time_polling(struct pool *pool, struct sc_bench_results *r)
{
    int runs = 2 * r->polling_count;
    struct sc_bench_sample ignored;

    for (int rep = -1; rep < r->repetitions; rep++)
        for (int k = 0; k < runs; k++) {
            int i = (k + rep + 1) % runs;
            struct sc_bench_polling *pair = &r->polling[i / 2];
            int with = i % 2;
            struct sc_bench_sample *sample = rep < 0 ? &ignored
                                             : with  ? &pair->polled[rep]
                                                     : &pair->alone[rep];
            struct run_plan plan = {
                pair->writer, 1, POLLING_BATCH, pair->reader,
                with ? sc__bench_polling_readers(r, pair) : 0};
            if (pool_run(pool, &plan, r->duration_ms, sample) != 0)
                return 1;
        }
    return 0;
}

/* ---- Wake latency ---- */

/* Worker 0 waits, worker 1 adds, the next busy ones run sc_increment()
 * until stopped. */
static int time_wake_run(struct pool *pool, int wakes, int busy,
                         struct sc_bench_wakes *w)
{
    struct report reports[2 + SC_BENCH_BUSY_WRITERS];
    char command[64], line[256];
    int all = 2 + busy;

    snprintf(command, sizeof command, "wake-wait %d\n", wakes);
    int failed = sc__bench_pool_send(pool->workers, 0, command);
    snprintf(command, sizeof command, "wake-add %d\n", wakes);
    failed = failed || sc__bench_pool_send(pool->workers, 1, command);
    for (int i = 2; i < all && !failed; i++)
        failed = sc__bench_pool_send(pool->workers, i, "run sc-busy 1 1024\n");
    if (failed || expect_ready(pool, all) != 0)
        return 1;
    sc__bench_store(&sc__bench_shared(pool->targets)->acked, -1);
    sc__bench_gate_open(pool->targets);
    failed = read_reply(pool, 0, line, sizeof line) != 0;
    if (!failed && sscanf(line, "wakes %lf %lf %lf", &w->median_us, &w->p99_us,
                          &w->max_us) != 3)
        failed = sc__bench_error("worker 0: bad report \"%s\"", line);
    failed = failed || read_reply(pool, 1, line, sizeof line) != 0;
    stop_workers(pool);
    if (failed || collect_reports(pool, 2, all, 0, reports) != 0)
        return 1;
    reopen_for_next_run(pool);
    return 0;
}

static int time_wakes(struct pool *pool, struct sc_bench_results *r)
{
    if (r->wakes == 0)
        return 0;
    return time_wake_run(pool, r->wakes, 0, &r->latency[0]) ||
           time_wake_run(pool, r->wakes, SC_BENCH_BUSY_WRITERS, &r->latency[1]);
}

static int measure(struct sc_bench_targets *t, struct sc_bench_results *r)
{
    struct pool pool = {NULL, t};
    int workers = r->procs[r->proc_count - 1];

    for (int i = 0; i < r->polling_count; i++)
        if (sc__bench_polling_readers(r, &r->polling[i]) + 1 > workers)
            workers = sc__bench_polling_readers(r, &r->polling[i]) + 1;
    if (r->wakes > 0 && workers < 2 + SC_BENCH_BUSY_WRITERS)
        workers = 2 + SC_BENCH_BUSY_WRITERS;
    pool.workers = sc__bench_pool_start(t, workers);
    if (pool.workers == NULL)
        return 1;
    int failed = warm_up(&pool, r) || time_all(&pool, r) ||
                 time_polling(&pool, r) || time_wakes(&pool, r);
    /* Workers of a failed run may wait at the gate or for a wake that will
     * not come: they are killed. */
    return sc__bench_pool_stop(pool.workers, failed) || failed;
}

/* ---- The launch cost ---- */

/* One untimed start of each first, then the two in turns. 0; -1 when a
 * probe is not there; 1 after a message. */
static int time_launches(const char *plain, const char *client, int launches,
                         double *plain_ms, double *client_ms)
{
    double untimed;
    int status = sc__bench_launch(plain, &untimed);

    if (status == 0)
        status = sc__bench_launch(client, &untimed);
    for (int i = 0; i < launches && status == 0; i++) {
        status = sc__bench_launch(plain, &plain_ms[i]);
        if (status == 0)
            status = sc__bench_launch(client, &client_ms[i]);
    }
    return status;
}

/* The two probes are one source (probe.c), built with and without the
 * library, and sit in this program's folder; where they do not (an
 * installed benchmark), the launch cost is skipped. 0, or 1 after a
 * message; cost->launches is 0 when skipped. */
static int launch_cost(int launches, struct sc_bench_launch_cost *cost)
{
    char *plain = sc__program_path("launch_plain" SC_EXE_SUFFIX);
    char *client = sc__program_path("launch_client" SC_EXE_SUFFIX);
    double *plain_ms = malloc(sizeof(double) * (size_t)launches);
    double *client_ms = malloc(sizeof(double) * (size_t)launches);
    int64_t before = sc_get();

    cost->launches = 0;
    int status =
        plain == NULL || client == NULL || plain_ms == NULL || client_ms == NULL
            ? sc__bench_error("out of memory")
            : time_launches(plain, client, launches, plain_ms, client_ms);
    if (status < 0) {
        printf("launch cost: skipped, the probes launch_plain and "
               "launch_client are not next to this program\n");
        status = 0;
    } else if (status == 0) {
        cost->launches = launches;
        cost->plain_ms = sc__bench_spread(plain_ms, (size_t)launches);
        cost->client_ms = sc__bench_spread(client_ms, (size_t)launches);
        cost->increments = launches + 1;
        cost->counted = sc__wrapping_sub(sc_get(), before);
    }
    free(plain);
    free(client);
    free(plain_ms);
    free(client_ms);
    return status;
}

/* ---- The whole run ---- */

static int run(const struct options *o, struct sc_bench_targets *t,
               struct sc_bench_results *r)
{
    struct sc_bench_launch_cost cost = {0};

    printf("%s, sharedcounter " SC_VERSION_STRING "\n", sc__bench_program);
    choose_variants(r, t);
    if (choose_polling(r, o->readers) != 0)
        return 1;
    r->samples = calloc((size_t)r->variant_count * (size_t)r->proc_count *
                            (size_t)r->repetitions,
                        sizeof *r->samples);
    if (r->samples == NULL)
        return sc__bench_error("out of memory");
    if (measure(t, r) != 0)
        return 1;
    if (o->launches > 0 && launch_cost(o->launches, &cost) != 0)
        return 1;
    const struct sc_bench_launch_cost *measured_cost =
        cost.launches > 0 ? &cost : NULL;
    int failures = sc__bench_check(r, measured_cost);
    sc__bench_print(r, measured_cost);
    int failed = sc__bench_write_csv(o->csv_path, r);
    failed |= sc__bench_write_runs_csv(o->runs_csv_path, r);
    sc__bench_print_verdict(r, failures);
    return failures > 0 || failed;
}

static int launcher_main(const struct options *o)
{
    struct sc_bench_results results = {
        .duration_ms = o->duration_ms,
        .repetitions = o->repetitions,
        .procs = o->procs,
        .proc_count = o->proc_count,
        .wakes = o->wakes,
    };

    if (sc__bench_check_output(o->csv_path) != 0 ||
        sc__bench_check_output(o->runs_csv_path) != 0)
        return 1;
    struct sc_bench_targets *targets = sc__bench_targets_open();
    if (targets == NULL)
        return 1;
    int status = run(o, targets, &results);
    free(results.samples);
    free_polling(&results);
    sc__bench_targets_close(targets);
    return status;
}

int main(int argc, char **argv)
{
    struct options options;
    int status = sc__bench_worker_main(argc, argv);

    if (status < 0)
        status = parse_options(argc, argv, &options);
    return status >= 0 ? status : launcher_main(&options);
}
