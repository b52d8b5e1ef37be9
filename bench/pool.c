/* Worker processes that the timed runs reuse; see pool.h. */
#include "pool.h"

#include <fcntl.h>
#include <inttypes.h>
#include <io.h>
#include <stdio.h>
#include <string.h>

#include "message.h"
#include "variants.h"
#include "worker.h"

/* How long a worker may take to exit once its input ends; a run in progress
 * stops at its own deadline well before this. */
enum { EXIT_TIMEOUT_MS = 70000 };

/* What one worker reported for a run. */
struct report {
    uint64_t ops;
    int64_t first, last; /* ticks */
    int64_t seen;        /* counter change as that worker saw it */
};

/* Reading the replies through the C library's buffer takes one ReadFile a
 * line instead of one a byte, which under Wine is a round trip to the server
 * each: that made a run's bookkeeping cost more than a short run itself. The
 * stream owns the pipe from here on. */
static FILE *buffered_replies(struct sc_child *worker)
{
    int fd = _open_osfhandle((intptr_t)worker->stdout_read, _O_RDONLY);

    if (fd < 0)
        return NULL;
    worker->stdout_read = NULL;
    FILE *f = _fdopen(fd, "rb");
    if (f == NULL)
        _close(fd);
    return f;
}

DWORD sc__bench_pool_start(struct sc_bench_pool *pool, int count,
                           struct sc_bench_targets *targets)
{
    char exe[MAX_PATH], args[64];

    pool->count = 0;
    pool->targets = targets;
    DWORD len = GetModuleFileNameA(NULL, exe, sizeof exe);
    if (len == 0 || len >= sizeof exe)
        return ERROR_INSUFFICIENT_BUFFER;
    snprintf(args, sizeof args, SC_BENCH_WORKER_FLAG " %lu",
             (unsigned long)GetCurrentProcessId());
    for (int i = 0; i < count; i++) {
        DWORD err = sc__child_start(&pool->workers[i], exe, args,
                                    SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT);
        if (err != 0)
            return err;
        pool->replies[i] = buffered_replies(&pool->workers[i]);
        pool->count++;
        if (pool->replies[i] == NULL)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    return 0;
}

/* Reads the next line of worker i, without its line end; 1 after a message
 * if there is none or the worker reported an error. */
static int read_reply(struct sc_bench_pool *pool, int i, char *line,
                      size_t size)
{
    if (fgets(line, (int)size, pool->replies[i]) == NULL)
        return sc__bench_error("worker %d stopped answering", i);
    line[strcspn(line, "\r\n")] = '\0';
    if (strncmp(line, "error ", 6) == 0)
        return sc__bench_error("worker %d: %s", i, line + 6);
    return 0;
}

static int expect_ready(struct sc_bench_pool *pool, int procs)
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

static int collect_reports(struct sc_bench_pool *pool, int procs,
                           struct report *reports)
{
    char line[256];

    for (int i = 0; i < procs; i++) {
        struct report *r = &reports[i];
        if (read_reply(pool, i, line, sizeof line) != 0)
            return 1;
        if (sscanf(line, "done %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64,
                   &r->ops, &r->first, &r->last, &r->seen) != 4 ||
            r->ops == 0 || r->last <= r->first)
            return sc__bench_error("worker %d: bad report \"%s\"", i, line);
    }
    return 0;
}

static void summarize(const struct report *reports, int procs,
                      int64_t shared_change, int shared,
                      struct sc_bench_sample *sample)
{
    LARGE_INTEGER frequency;
    int64_t first = reports[0].first, last = reports[0].last, seen = 0;
    double ns_sum = 0;

    QueryPerformanceFrequency(&frequency);
    double ns_per_tick = 1e9 / (double)frequency.QuadPart;
    sample->ops = 0;
    for (int i = 0; i < procs; i++) {
        const struct report *r = &reports[i];
        sample->ops += r->ops;
        seen += r->seen;
        first = r->first < first ? r->first : first;
        last = r->last > last ? r->last : last;
        ns_sum += (double)(r->last - r->first) * ns_per_tick / (double)r->ops;
    }
    /* A process-local counter is seen only by its own process. */
    sample->counted = shared ? shared_change : seen;
    sample->seconds = (double)(last - first) * ns_per_tick / 1e9;
    sample->ns_per_op = ns_sum / procs;
}

int sc__bench_pool_run(struct sc_bench_pool *pool, int variant, int procs,
                       int duration_ms, struct sc_bench_sample *sample)
{
    const struct sc_bench_variant *v = sc__bench_variant(variant);
    struct report reports[SC_BENCH_MAX_PROCS];
    char command[64];

    int len =
        snprintf(command, sizeof command, "run %d %d\n", variant, duration_ms);
    for (int i = 0; i < procs; i++) {
        DWORD err = sc__child_write(&pool->workers[i], command, (size_t)len);
        if (err != 0)
            return sc__bench_error("worker %d does not listen (error %lu)", i,
                                   (unsigned long)err);
    }
    if (expect_ready(pool, procs) != 0)
        return 1;

    int64_t before = v->read(pool->targets);
    SetEvent(pool->targets->start);
    int failed = collect_reports(pool, procs, reports);
    /* Every worker has reported, so every one is past the wait. */
    ResetEvent(pool->targets->start);
    if (failed)
        return 1;
    summarize(reports, procs, v->read(pool->targets) - before, v->shared,
              sample);
    return 0;
}

int sc__bench_pool_stop(struct sc_bench_pool *pool)
{
    int failed = 0;

    /* Workers still waiting for a start that a failed run never gave
     * would otherwise sit out their whole timeout. */
    SetEvent(pool->targets->start);
    for (int i = 0; i < pool->count; i++) {
        struct sc_child_output output;
        DWORD code;
        DWORD err = sc__child_finish(&pool->workers[i], EXIT_TIMEOUT_MS, &code,
                                     &output);
        if (err != 0) {
            failed = sc__bench_error("worker %d did not end cleanly (error "
                                     "%lu)",
                                     i, (unsigned long)err);
        } else {
            if (code != 0)
                failed =
                    sc__bench_error("worker %d exited with status %lu%s%s", i,
                                    (unsigned long)code,
                                    output.err_len ? ": " : "", output.err);
            sc__child_output_free(&output);
        }
        if (pool->replies[i] != NULL)
            fclose(pool->replies[i]);
        sc__child_close(&pool->workers[i]);
    }
    pool->count = 0;
    return failed;
}
