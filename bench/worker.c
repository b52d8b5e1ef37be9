/*
 * The worker side of counter_bench: the objects every process of a run
 * opens, the variants it times, and the loop that answers the launcher's
 * commands (the protocol is in bench.h).
 */
#include "bench.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared_section.h"
#include "sharedcounter.h"
#include "text_paths.h"

#define HARDENED_DLL "sharedcounter_hardened.dll"
#define NOWAKE_DLL "sharedcounter_nowake.dll"

static sc_bench_counter_fn find_counter_fn(HMODULE dll, const char *name)
{
    return (sc_bench_counter_fn)sc__find_function(dll, name);
}

static void free_library(HMODULE *dll)
{
    if (*dll != NULL)
        FreeLibrary(*dll);
    *dll = NULL;
}

/* The launcher's process id makes the names unique to one run, so that two
 * runs at the same time never share a counter. */
static void object_name(char *buf, size_t size, const char *what, DWORD pid)
{
    snprintf(buf, size, "Local\\sc_bench_%lu_%s", (unsigned long)pid, what);
}

static DWORD fail(struct sc_bench_targets *t, const char *step)
{
    DWORD err = GetLastError();

    t->failed_step = step;
    return err != 0 ? err : ERROR_GEN_FAILURE;
}

static DWORD open_named_objects(struct sc_bench_targets *t, DWORD pid)
{
    char name[64];

    object_name(name, sizeof name, "start", pid);
    t->start = CreateEventA(NULL, TRUE, FALSE, name);
    if (t->start == NULL)
        return fail(t, "CreateEvent");
    object_name(name, sizeof name, "mutex", pid);
    t->mutex = CreateMutexA(NULL, FALSE, name);
    if (t->mutex == NULL)
        return fail(t, "CreateMutex");
    object_name(name, sizeof name, "mapping", pid);
    t->mapping = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
                                    0, sizeof *t->slots, name);
    if (t->mapping == NULL)
        return fail(t, "CreateFileMapping");
    t->slots =
        MapViewOfFile(t->mapping, FILE_MAP_ALL_ACCESS, 0, 0, sizeof *t->slots);
    if (t->slots == NULL)
        return fail(t, "MapViewOfFile");
    return 0;
}

/* By full path, as a careful client loads it: the folder of this program is
 * where the import library's copy was found too, so both are one module. */
static DWORD load_sharedcounter(struct sc_bench_targets *t, const char *dir)
{
    char path[MAX_PATH];

    snprintf(path, sizeof path, "%ssharedcounter.dll", dir);
    t->loaded = LoadLibraryA(path);
    if (t->loaded == NULL)
        return fail(t, "LoadLibrary(sharedcounter.dll)");
    t->loaded_increment = find_counter_fn(t->loaded, "sc_increment");
    if (t->loaded_increment == NULL)
        return fail(t, "GetProcAddress(sc_increment)");
    return 0;
}

static void load_optional(struct sc_bench_optional *o, const char *dir,
                          const char *file)
{
    char path[MAX_PATH];

    snprintf(path, sizeof path, "%s%s", dir, file);
    if (GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES) {
        snprintf(o->note, sizeof o->note, "%s is not next to this program",
                 file);
        return;
    }
    o->dll = LoadLibraryA(path);
    if (o->dll == NULL) {
        snprintf(o->note, sizeof o->note, "%s did not load: error %lu", file,
                 (unsigned long)GetLastError());
        return;
    }
    o->increment = find_counter_fn(o->dll, "sc_increment");
    o->get = find_counter_fn(o->dll, "sc_get");
    if (o->increment == NULL || o->get == NULL) {
        snprintf(o->note, sizeof o->note, "%s lacks sc_increment or sc_get",
                 file);
        free_library(&o->dll);
    }
}

DWORD sc__bench_targets_open(struct sc_bench_targets *t, DWORD launcher_pid)
{
    char dir[MAX_PATH];

    memset(t, 0, sizeof *t);
    DWORD err = open_named_objects(t, launcher_pid);
    if (err == 0 && sc__program_dir(dir, sizeof dir) != 0) {
        t->failed_step = "GetModuleFileName";
        err = ERROR_INSUFFICIENT_BUFFER;
    }
    if (err == 0)
        err = load_sharedcounter(t, dir);
    if (err == 0) {
        load_optional(&t->hardened, dir, HARDENED_DLL);
        load_optional(&t->nowake, dir, NOWAKE_DLL);
    }
    return err;
}

void sc__bench_targets_close(struct sc_bench_targets *t)
{
    if (t->slots != NULL)
        UnmapViewOfFile(t->slots);
    t->slots = NULL;
    sc__close_handle(&t->mapping);
    sc__close_handle(&t->mutex);
    sc__close_handle(&t->start);
    free_library(&t->hardened.dll);
    free_library(&t->nowake.dll);
    free_library(&t->loaded);
}

/* The limit's counter: process-local, alone on its cache line. */
static _Alignas(64) volatile LONG64 local_counter;

/* The unsafe variant's counter lives in this program's own shared section,
 * so every copy of the benchmark process updates the same variable. */
SC_SHARED_BEGIN
static SC_SHARED _Alignas(64) volatile LONG64 unsafe_counter = 0;
SC_SHARED_END

static DWORD run_limit(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++)
        InterlockedIncrement64(&local_counter);
    return 0;
}

static int64_t read_limit(const struct sc_bench_targets *t)
{
    (void)t;
    return local_counter;
}

static DWORD run_imported(struct sc_bench_targets *t, uint32_t n)
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

static void call_n(sc_bench_counter_fn increment, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        increment();
}

static DWORD run_loaded(struct sc_bench_targets *t, uint32_t n)
{
    call_n(t->loaded_increment, n);
    return 0;
}

static DWORD run_mapping(struct sc_bench_targets *t, uint32_t n)
{
    volatile LONG64 *counter = &t->slots->atomic;

    for (uint32_t i = 0; i < n; i++)
        InterlockedIncrement64(counter);
    return 0;
}

static int64_t read_mapping(const struct sc_bench_targets *t)
{
    return t->slots->atomic;
}

static DWORD run_mutex(struct sc_bench_targets *t, uint32_t n)
{
    volatile LONG64 *counter = &t->slots->locked;

    for (uint32_t i = 0; i < n; i++) {
        DWORD waited = WaitForSingleObject(t->mutex, INFINITE);
        if (waited != WAIT_OBJECT_0) /* failed, or abandoned by a crash */
            return waited == WAIT_FAILED ? GetLastError()
                                         : ERROR_ABANDONED_WAIT_0;
        *counter = *counter + 1;
        ReleaseMutex(t->mutex);
    }
    return 0;
}

static int64_t read_mutex(const struct sc_bench_targets *t)
{
    return t->slots->locked;
}

static DWORD run_unsafe(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++) {
        /* A separate load and store: another process may store in between,
         * and its update is then lost. That is what this variant shows. */
        LONG64 seen = unsafe_counter;
        unsafe_counter = seen + 1;
    }
    return 0;
}

static int64_t read_unsafe(const struct sc_bench_targets *t)
{
    (void)t;
    return unsafe_counter;
}

static DWORD run_hardened(struct sc_bench_targets *t, uint32_t n)
{
    call_n(t->hardened.increment, n);
    return 0;
}

static int64_t read_hardened(const struct sc_bench_targets *t)
{
    return t->hardened.get();
}

static const struct sc_bench_optional *
hardened(const struct sc_bench_targets *t)
{
    return &t->hardened;
}

static DWORD run_nowake(struct sc_bench_targets *t, uint32_t n)
{
    call_n(t->nowake.increment, n);
    return 0;
}

static int64_t read_nowake(const struct sc_bench_targets *t)
{
    return t->nowake.get();
}

static const struct sc_bench_optional *nowake(const struct sc_bench_targets *t)
{
    return &t->nowake;
}

/* The atomic variants look at the clock every 65536 increments, a few
 * hundred microseconds, so the clock costs them nothing measurable; a mutex
 * round trip through Wine's server is some ten thousand times slower. */
static const struct sc_bench_variant variants[] = {
    {"limit", "InterlockedIncrement64 on a process-local variable", 1, 0, 65536,
     run_limit, read_limit, NULL, 0},
    {"sharedcounter", "sc_increment() through the import library", 1, 1, 65536,
     run_imported, read_imported, NULL, 0},
    /* The same DLL as the import library's: the same counter. */
    {"sc-runtime", "sc_increment() through a GetProcAddress pointer", 1, 1,
     65536, run_loaded, read_imported, NULL, 0},
    {"file-mapping", "InterlockedIncrement64 in a named file mapping", 1, 1,
     65536, run_mapping, read_mapping, NULL, 0},
    {"named-mutex", "plain ++ in a file mapping, under a named mutex", 1, 1, 4,
     run_mutex, read_mutex, NULL, 0},
    {"unsafe", "plain ++ (load, then store) on a .shared section variable", 0,
     1, 65536, run_unsafe, read_unsafe, NULL, 0},
    {"hardened",
     "sc_increment() of sharedcounter_hardened.dll, run-time loaded", 1, 1,
     65536, run_hardened, read_hardened, hardened, 0},
    /* Against sc-runtime, which calls the same way: the cost of the look at
     * the waiting flag when nobody waits. */
    {"sc-nowake",
     "sc_increment() of sharedcounter_nowake.dll (no look at the waiting "
     "flag), run-time loaded",
     1, 1, 65536, run_nowake, read_nowake, nowake, 0},
};

/* Readers only, for the polling runs: the counter's cache line stays shared
 * between the readers and the writer when a read is a plain load (sc_get),
 * and moves to each reader in turn when it is a locked compare-exchange,
 * which is how sc_get read the counter before. */
static volatile int64_t read_sink;

static DWORD run_sc_get(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++)
        read_sink = sc_get();
    return 0;
}

static DWORD run_locked_read(struct sc_bench_targets *t, uint32_t n)
{
    volatile LONG64 *counter = &t->slots->atomic;

    for (uint32_t i = 0; i < n; i++)
        read_sink = InterlockedCompareExchange64(counter, 0, 0);
    return 0;
}

/* A view that shows the counter, as a window repainting 60 times a
 * second would. */
static DWORD run_sc_view(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++) {
        read_sink = sc_get();
        Sleep(16);
    }
    return 0;
}

/* The wait loop of a process that follows the counter. A seen left from
 * the worker's previous run only makes the first wait return at once. */
static int64_t wait_seen;

static DWORD run_sc_wait(struct sc_bench_targets *t, uint32_t n)
{
    for (uint32_t i = 0; i < n && !t->slots->stop; i++)
        if (sc_wait(wait_seen, SC_WAIT_FOREVER, &wait_seen) < 0)
            return GetLastError();
    return 0;
}

static const struct sc_bench_variant readers[] = {
    {"sc-get", "sc_get() in a loop", 1, 1, 65536, run_sc_get, read_imported,
     NULL, 0},
    {"sc-view", "sc_get() 60 times a second", 1, 1, 1, run_sc_view,
     read_imported, NULL, 0},
    {"sc-wait", "sc_wait(seen, SC_WAIT_FOREVER, &seen) in a loop", 1, 1, 1,
     run_sc_wait, read_imported, NULL, 1},
    /* The latency's busy writers, which run until stopped. */
    {"sc-busy", "sc_increment() until stopped", 1, 1, 1024, run_imported,
     read_imported, NULL, 1},
    {"locked-read",
     "InterlockedCompareExchange64(p, 0, 0) in a loop, p in "
     "the file mapping",
     1, 1, 65536, run_locked_read, read_mapping, NULL, 0},
};

int sc__bench_variant_count(void)
{
    return (int)(sizeof variants / sizeof variants[0]);
}

const struct sc_bench_variant *sc__bench_variant(int index)
{
    return &variants[index];
}

int sc__bench_variant_available(const struct sc_bench_variant *v,
                                const struct sc_bench_targets *t)
{
    return v->optional == NULL || v->optional(t)->dll != NULL;
}

const struct sc_bench_variant *sc__bench_variant_find(const char *name)
{
    for (int i = 0; i < sc__bench_variant_count(); i++)
        if (strcmp(variants[i].name, name) == 0)
            return &variants[i];
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
        if (strcmp(readers[i].name, name) == 0)
            return &readers[i];
    return NULL;
}

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

/* The ticks of each batch of one run, for their median: a batch during which
 * the worker was not descheduled shows the speed of the operation itself.
 * A run longer than the array keeps only its first batches. */
static int64_t batch_ticks[1 << 16];

static int compare_ticks(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t median_ticks(size_t n)
{
    if (n > sizeof batch_ticks / sizeof batch_ticks[0])
        n = sizeof batch_ticks / sizeof batch_ticks[0];
    qsort(batch_ticks, n, sizeof batch_ticks[0], compare_ticks);
    return batch_ticks[n / 2];
}

static int wait_for_start(struct sc_bench_targets *t)
{
    printf("ready\n");
    fflush(stdout);
    DWORD waited = WaitForSingleObject(t->start, START_TIMEOUT_MS);
    if (waited == WAIT_OBJECT_0)
        return 0;
    return reply_error("waiting for the start event",
                       waited == WAIT_TIMEOUT ? ERROR_TIMEOUT : GetLastError());
}

/* Increments, batch at a time, until duration_ms have passed since the
 * start event (or, for an until_stop variant, until the launcher says). */
static int timed_run(struct sc_bench_targets *t,
                     const struct sc_bench_variant *v, int64_t duration_ms,
                     uint32_t batch)
{
    LARGE_INTEGER frequency;
    int64_t before = v->read(t);

    QueryPerformanceFrequency(&frequency);
    if (wait_for_start(t) != 0)
        return 1;

    int64_t first = ticks_now();
    int64_t deadline = first + duration_ms * frequency.QuadPart / 1000;
    int64_t last = first;
    uint64_t ops = 0;
    size_t batches = 0;
    DWORD err;
    do {
        int64_t batch_start = last;
        err = v->run(t, batch);
        ops += batch;
        last = ticks_now();
        if (batches < sizeof batch_ticks / sizeof batch_ticks[0])
            batch_ticks[batches] = last - batch_start;
        batches++;
    } while (err == 0 && (v->until_stop ? !t->slots->stop : last < deadline));
    if (err != 0)
        return reply_error(v->name, err);

    printf("done %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n",
           ops, first, last, sc__wrapping_sub(v->read(t), before),
           median_ticks(batches));
    fflush(stdout);
    return 0;
}

/* The timed adds are 2^40 each: the busy writers' increments stay below
 * that, so the waiter tells the timed adds from theirs by how far the
 * counter has moved since it started. */
enum { TIMED_SHIFT = 40 };

/* Each add waits until the waiter has timed the one before, then a random
 * 0 to 2 ms, so that the waiter is asleep, or about to be, when it comes. */
static int wake_add(struct sc_bench_targets *t, long wakes)
{
    if (wait_for_start(t) != 0)
        return 1;
    srand((unsigned)GetCurrentProcessId());
    for (long i = 0; i < wakes; i++) {
        while (InterlockedCompareExchange(&t->slots->acked, 0, 0) < i)
            Sleep(0);
        Sleep((DWORD)(rand() % 3));
        InterlockedExchange64(&t->slots->stamp, ticks_now());
        sc_add((int64_t)1 << TIMED_SHIFT);
    }
    printf("added\n");
    fflush(stdout);
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

static int wake_wait(struct sc_bench_targets *t, long wakes)
{
    LARGE_INTEGER frequency;
    double *latency_us = malloc(sizeof(double) * (size_t)wakes);

    if (latency_us == NULL)
        return reply_error("out of memory", ERROR_OUTOFMEMORY);
    QueryPerformanceFrequency(&frequency);
    int64_t start = sc_get(), seen = start;
    int failed = wait_for_start(t);
    InterlockedExchange(&t->slots->acked, 0);
    for (long i = 0; i < wakes && !failed; i++) {
        while ((uint64_t)sc__wrapping_sub(seen, start) >> TIMED_SHIFT <=
               (uint64_t)i)
            if (sc_wait(seen, SC_WAIT_FOREVER, &seen) < 0) {
                failed = reply_error("sc_wait", GetLastError());
                break;
            }
        int64_t woke = ticks_now();
        latency_us[i] = (double)(woke - InterlockedCompareExchange64(
                                            &t->slots->stamp, 0, 0)) *
                        1e6 / (double)frequency.QuadPart;
        /* After a failure, the writer's remaining adds need no waiter. */
        InterlockedExchange(&t->slots->acked,
                            failed ? LONG_MAX : (LONG)(i + 1));
    }
    if (!failed) {
        qsort(latency_us, (size_t)wakes, sizeof *latency_us, compare_doubles);
        printf("wakes %.1f %.1f %.1f\n", percentile(latency_us, wakes, 50),
               percentile(latency_us, wakes, 99), latency_us[wakes - 1]);
        fflush(stdout);
    }
    free(latency_us);
    return failed;
}

static int run_command(struct sc_bench_targets *t, const char *line)
{
    char name[32];
    int duration_ms;
    unsigned long batch;
    long wakes;

    if (sscanf(line, "wake-wait %ld", &wakes) == 1 && wakes > 0)
        return wake_wait(t, wakes);
    if (sscanf(line, "wake-add %ld", &wakes) == 1 && wakes > 0)
        return wake_add(t, wakes);
    const struct sc_bench_variant *v = NULL;
    if (sscanf(line, "run %31s %d %lu", name, &duration_ms, &batch) == 3)
        v = sc__bench_variant_find(name);
    if (v == NULL || duration_ms <= 0 || batch == 0 || batch > UINT32_MAX)
        return reply_error("bad command from the launcher",
                           ERROR_INVALID_PARAMETER);
    if (!sc__bench_variant_available(v, t))
        return reply_error("variant not available to the worker",
                           ERROR_MOD_NOT_FOUND);
    return timed_run(t, v, duration_ms, (uint32_t)batch);
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
