/* One worker process of a benchmark run; the protocol is in worker.h. */
#include "worker.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "targets.h"
#include "variants.h"

/* A launcher that died leaves its workers waiting; they give up after this. */
enum { START_TIMEOUT_MS = 60000 };

static int reply_error(const char *what, DWORD err)
{
    printf("error %s (error %lu)\n", what, (unsigned long)err);
    fflush(stdout);
    return 1;
}

static int64_t ticks_now(void)
{
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    return now.QuadPart;
}

/* Increments until duration_ms have passed since the start event. */
static int timed_run(struct sc_bench_targets *t,
                     const struct sc_bench_variant *v, int64_t duration_ms)
{
    LARGE_INTEGER frequency;
    int64_t before = v->read(t);

    QueryPerformanceFrequency(&frequency);
    printf("ready\n");
    fflush(stdout);
    DWORD waited = WaitForSingleObject(t->start, START_TIMEOUT_MS);
    if (waited != WAIT_OBJECT_0)
        return reply_error("waiting for the start event", waited == WAIT_TIMEOUT
                                                              ? ERROR_TIMEOUT
                                                              : GetLastError());

    int64_t first = ticks_now();
    int64_t deadline = first + duration_ms * frequency.QuadPart / 1000;
    int64_t last;
    uint64_t ops = 0;
    DWORD err;
    do {
        err = v->run(t, v->batch);
        ops += v->batch;
        last = ticks_now();
    } while (err == 0 && last < deadline);
    if (err != 0)
        return reply_error(v->name, err);

    printf("done %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64 "\n", ops, first,
           last, v->read(t) - before);
    fflush(stdout);
    return 0;
}

static int run_command(struct sc_bench_targets *t, const char *line)
{
    int index, duration_ms;

    if (sscanf(line, "run %d %d", &index, &duration_ms) != 2 || index < 0 ||
        index >= sc__bench_variant_count() || duration_ms <= 0)
        return reply_error("bad command from the launcher",
                           ERROR_INVALID_PARAMETER);
    const struct sc_bench_variant *v = sc__bench_variant(index);
    if (!sc__bench_variant_available(v, t))
        return reply_error("variant not available to the worker",
                           ERROR_MOD_NOT_FOUND);
    return timed_run(t, v, duration_ms);
}

int sc__bench_worker_main(DWORD launcher_pid)
{
    struct sc_bench_targets targets;
    char line[128];
    int status = 0;

    DWORD err = sc__bench_targets_open(&targets, launcher_pid);
    if (err != 0)
        status = reply_error(targets.failed_step, err);
    while (status == 0 && fgets(line, sizeof line, stdin) != NULL)
        status = run_command(&targets, line);
    sc__bench_targets_close(&targets);
    return status;
}
