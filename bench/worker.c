/*
 * The worker's side of the benchmark, the same on both systems: the
 * variants written the same way on both, the readers of the polling runs, and
 * the loop that answers the launcher's commands (the protocol is in bench.h):
 * timed runs and the two ends of the wake latency.
 */
#include "bench.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "shared_section.h"
#include "sharedcounter.h"

/* ---- The portable variants ---- */

static int run_imported(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++)
        sc_increment();
    return 0;
}

static int64_t read_imported(const struct sc_bench_targets *t)
{
    (void)t;
    return sc_get();
}

const struct sc_bench_variant sc__bench_sharedcounter = {
    .name = "sharedcounter",
    .what = "sc_increment() as linked: import table or PLT",
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_imported,
    .read = read_imported,
};

/* A named counter, as linked: what an update of the named API costs beside
 * sc_increment() and the limit. Every process opens the same name. */
static int32_t named_id(void)
{
    static int32_t id = -1;

    if (id < 0)
        id = sc_counter_open("counter_bench_named_total");
    return id;
}

static int run_named(struct sc_bench_targets *t, uint32_t n)
{
    int32_t id = named_id();

    (void)t;
    if (id < 0)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        sc_counter_add(id, 1);
    return 0;
}

static int64_t read_named(const struct sc_bench_targets *t)
{
    (void)t;
    return sc_counter_get(named_id());
}

const struct sc_bench_variant sc__bench_named = {
    .name = "named",
    .what = "sc_counter_add(id, 1) on a named counter, as linked",
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_named,
    .read = read_named,
};

/* ---- The builds loaded at run time ---- */

static int call_n(const struct sc_bench_targets *t, enum sc_bench_build build,
                  uint32_t n)
{
    sc_bench_counter_fn increment = sc__bench_library(t, build)->increment;

    for (uint32_t i = 0; i < n; i++)
        increment();
    return 0;
}

static int run_runtime(struct sc_bench_targets *t, uint32_t n)
{
    return call_n(t, SC_BENCH_RUNTIME, n);
}

static int64_t read_runtime(const struct sc_bench_targets *t)
{
    return sc__bench_library(t, SC_BENCH_RUNTIME)->get();
}

static int run_hardened(struct sc_bench_targets *t, uint32_t n)
{
    return call_n(t, SC_BENCH_HARDENED, n);
}

static int64_t read_hardened(const struct sc_bench_targets *t)
{
    return sc__bench_library(t, SC_BENCH_HARDENED)->get();
}

static const char *hardened_missing(const struct sc_bench_targets *t)
{
    const struct sc_bench_library *lib =
        sc__bench_library(t, SC_BENCH_HARDENED);
    return lib->increment != NULL ? NULL : lib->missing;
}

static int run_nowake(struct sc_bench_targets *t, uint32_t n)
{
    return call_n(t, SC_BENCH_NOWAKE, n);
}

static int64_t read_nowake(const struct sc_bench_targets *t)
{
    return sc__bench_library(t, SC_BENCH_NOWAKE)->get();
}

static const char *nowake_missing(const struct sc_bench_targets *t)
{
    const struct sc_bench_library *lib = sc__bench_library(t, SC_BENCH_NOWAKE);
    return lib->increment != NULL ? NULL : lib->missing;
}

/* The library this program links, the same counter as sharedcounter's. */
const struct sc_bench_variant sc__bench_runtime = {
    .name = "sc-runtime",
    .what = "sc_increment() through a pointer looked up at run time",
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_runtime,
    .read = read_runtime,
};

const struct sc_bench_variant sc__bench_hardened = {
    .name = "hardened",
    .what = "the same call into the hardened build",
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_hardened,
    .read = read_hardened,
    .missing = hardened_missing,
};

/* Against sc-runtime, which calls the same way: the cost of the look at
 * the waiting flag when nobody waits. */
const struct sc_bench_variant sc__bench_nowake = {
    .name = "sc-nowake",
    .what = "the same call into the test build whose writers skip the wake",
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_nowake,
    .read = read_nowake,
    .missing = nowake_missing,
};

/* The unsafe variant's counter lives in this program's own shared section,
 * so every copy of the benchmark process updates the same variable. */
SC_SHARED_BEGIN
static SC_SHARED _Alignas(64) volatile int64_t unsafe_counter = 0;
SC_SHARED_END

static int run_unsafe(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++) {
        /* A separate load and store: another process may store in between,
         * and its update is then lost. That is what this variant shows. */
        int64_t seen = unsafe_counter;
        unsafe_counter = seen + 1;
    }
    return 0;
}

static int64_t read_unsafe(const struct sc_bench_targets *t)
{
    (void)t;
    return unsafe_counter;
}

const struct sc_bench_variant sc__bench_unsafe = {
    .name = "unsafe",
    .what = "plain ++ (load, then store) on this program's shared section",
    .safe = 0,
    .shared = 1,
    .batch = 65536,
    .run = run_unsafe,
    .read = read_unsafe,
};

/* ---- The readers of the polling runs ---- */

static volatile int64_t read_sink;

static int run_sc_get(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++)
        read_sink = sc_get();
    return 0;
}

/* A view that shows the counter, as a window repainting 60 times a second
 * would. */
static int run_sc_view(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++) {
        read_sink = sc_get();
        sc__sleep_us(16000);
    }
    return 0;
}

/* The wait loop of a process that follows the counter. A seen left from
 * the worker's previous run only makes the first wait return at once. */
static int64_t wait_seen;

static int run_sc_wait(struct sc_bench_targets *t, uint32_t n)
{
    struct sc_bench_shared *shared = sc__bench_shared(t);

    for (uint32_t i = 0; i < n && !sc__bench_load(&shared->stop); i++)
        if (sc_wait(wait_seen, SC_WAIT_FOREVER, &wait_seen) < 0)
            return -1;
    return 0;
}

static const struct sc_bench_variant readers[] = {
    {.name = "sc-get",
     .what = "sc_get() in a loop",
     .safe = 1,
     .shared = 1,
     .batch = 65536,
     .run = run_sc_get,
     .read = read_imported},
    {.name = "sc-view",
     .what = "sc_get() 60 times a second",
     .safe = 1,
     .shared = 1,
     .batch = 1,
     .run = run_sc_view,
     .read = read_imported},
    {.name = "sc-wait",
     .what = "sc_wait(seen, SC_WAIT_FOREVER, &seen) in a loop",
     .safe = 1,
     .shared = 1,
     .batch = 1,
     .run = run_sc_wait,
     .read = read_imported,
     .until_stop = 1},
    /* The latency's busy writers, which run until stopped. */
    {.name = "sc-busy",
     .what = "sc_increment() until stopped",
     .safe = 1,
     .shared = 1,
     .batch = 1024,
     .run = run_imported,
     .read = read_imported,
     .until_stop = 1},
};

const struct sc_bench_variant *sc__bench_variant_find(const char *name)
{
    for (int i = 0; i < sc__bench_variant_count; i++)
        if (strcmp(sc__bench_variants[i]->name, name) == 0)
            return sc__bench_variants[i];
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
        if (strcmp(readers[i].name, name) == 0)
            return &readers[i];
    if (strcmp(sc__bench_locked_read.name, name) == 0)
        return &sc__bench_locked_read;
    return NULL;
}

/* ---- Answering the launcher ---- */

static int reply_error(FILE *out, const char *what)
{
    char why[256];

    fprintf(out, "error %s: %s\n", what, sc__last_error_text(why, sizeof why));
    fflush(out);
    return 1;
}

static int reply_ready_and_wait(struct sc_bench_targets *t, FILE *out)
{
    fprintf(out, "ready\n");
    fflush(out);
    return sc__bench_gate_wait(t) == 0 ? 0 : reply_error(out, "the start gate");
}

/* The time of each batch of one run, for their median: a batch during which
 * the worker was not descheduled shows the speed of the operation itself.
 * A run longer than the array keeps only its first batches. */
static int64_t batch_ns[1 << 16];

static int compare_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t median_batch_ns(size_t n)
{
    if (n > sizeof batch_ns / sizeof batch_ns[0])
        n = sizeof batch_ns / sizeof batch_ns[0];
    qsort(batch_ns, n, sizeof batch_ns[0], compare_int64);
    return batch_ns[n / 2];
}

/* Increments, batch at a time, until duration_ms have passed since the
 * start (or, for an until_stop variant, until the launcher says). */
static int timed_run(struct sc_bench_targets *t, FILE *out,
                     const struct sc_bench_variant *v, int64_t duration_ms,
                     uint32_t batch)
{
    struct sc_bench_shared *shared = sc__bench_shared(t);
    int64_t before = v->read(t);

    if (reply_ready_and_wait(t, out) != 0)
        return 1;
    int64_t first = (int64_t)sc__clock_ns();
    int64_t deadline = first + duration_ms * 1000000;
    int64_t last = first;
    uint64_t ops = 0;
    size_t batches = 0;
    int failed;
    do {
        int64_t batch_start = last;
        failed = v->run(t, batch) != 0;
        ops += batch;
        last = (int64_t)sc__clock_ns();
        if (batches < sizeof batch_ns / sizeof batch_ns[0])
            batch_ns[batches] = last - batch_start;
        batches++;
    } while (!failed && (v->until_stop ? !sc__bench_load(&shared->stop)
                                       : last < deadline));
    if (failed)
        return reply_error(out, v->name);
    fprintf(out,
            "done %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64
            "\n",
            ops, first, last, sc__wrapping_sub(v->read(t), before),
            median_batch_ns(batches));
    fflush(out);
    return 0;
}

/* The timed adds are 2^40 each: the busy writers' increments stay below
 * that, so the waiter tells the timed adds from theirs by how far the
 * counter has moved since it started. */
enum { TIMED_SHIFT = 40 };

/* Each add waits until the waiter has timed the one before, then a random
 * gap under 2 ms, so that the waiter is asleep, or about to be, when it
 * comes. */
static int wake_add(struct sc_bench_targets *t, FILE *out, long wakes)
{
    struct sc_bench_shared *shared = sc__bench_shared(t);

    if (reply_ready_and_wait(t, out) != 0)
        return 1;
    srand((unsigned)sc__clock_ns());
    for (long i = 0; i < wakes; i++) {
        while (sc__bench_load(&shared->acked) < i)
            sc__sleep_us(20);
        sc__sleep_us((uint64_t)(rand() % 2000));
        sc__bench_store(&shared->stamp_ns, (int64_t)sc__clock_ns());
        sc_add((int64_t)1 << TIMED_SHIFT);
    }
    fprintf(out, "added\n");
    fflush(out);
    return 0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values. */
static double percentile(const double *sorted, long n, int p)
{
    long rank = (n * p + 99) / 100;
    return sorted[rank > 0 ? rank - 1 : 0];
}

static int wake_wait(struct sc_bench_targets *t, FILE *out, long wakes)
{
    struct sc_bench_shared *shared = sc__bench_shared(t);
    double *latency_us = malloc(sizeof(double) * (size_t)wakes);

    if (latency_us == NULL)
        return reply_error(out, "out of memory");
    int64_t start = sc_get(), seen = start;
    int failed = reply_ready_and_wait(t, out);
    sc__bench_store(&shared->acked, 0);
    for (long i = 0; i < wakes && !failed; i++) {
        while ((uint64_t)sc__wrapping_sub(seen, start) >> TIMED_SHIFT <=
               (uint64_t)i)
            if (sc_wait(seen, SC_WAIT_FOREVER, &seen) < 0) {
                failed = reply_error(out, "sc_wait");
                break;
            }
        int64_t woke = (int64_t)sc__clock_ns();
        latency_us[i] =
            (double)(woke - sc__bench_load(&shared->stamp_ns)) / 1000.0;
        /* After a failure, the writer's remaining adds need no waiter. */
        sc__bench_store(&shared->acked, failed ? INT64_MAX : i + 1);
    }
    if (!failed) {
        qsort(latency_us, (size_t)wakes, sizeof *latency_us, compare_doubles);
        fprintf(out, "wakes %.1f %.1f %.1f\n",
                percentile(latency_us, wakes, 50),
                percentile(latency_us, wakes, 99), latency_us[wakes - 1]);
        fflush(out);
    }
    free(latency_us);
    return failed;
}

static int run_command(struct sc_bench_targets *t, FILE *out, const char *line)
{
    char name[32];
    int duration_ms;
    unsigned long batch;
    long wakes;

    if (sscanf(line, "wake-wait %ld", &wakes) == 1 && wakes > 0)
        return wake_wait(t, out, wakes);
    if (sscanf(line, "wake-add %ld", &wakes) == 1 && wakes > 0)
        return wake_add(t, out, wakes);
    const struct sc_bench_variant *v = NULL;
    if (sscanf(line, "run %31s %d %lu", name, &duration_ms, &batch) == 3)
        v = sc__bench_variant_find(name);
    if (v == NULL || duration_ms <= 0 || batch == 0 || batch > UINT32_MAX) {
        fprintf(out, "error bad command from the launcher: %s", line);
        return 1;
    }
    if (v->missing != NULL && v->missing(t) != NULL) {
        fprintf(out, "error %s: %s\n", v->name, v->missing(t));
        return 1;
    }
    return timed_run(t, out, v, duration_ms, (uint32_t)batch);
}

int sc__bench_serve(struct sc_bench_targets *t, FILE *in, FILE *out)
{
    char line[128];
    int status = 0;

    while (status == 0 && fgets(line, sizeof line, in) != NULL)
        status = run_command(t, out, line);
    fflush(out);
    return status;
}
