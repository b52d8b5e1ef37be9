/*
 * counter_bench.exe, the benchmark's Windows half (bench.h): the variants
 * of a Windows program, the named objects every process of a run opens,
 * the DLLs loaded at run time, and the workers, which are copies of this
 * program ("--worker <launcher pid>") in a job that dies with the launcher.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "child_process.h"
#include "options.h"
#include "sharedcounter.h"
#include "text_paths.h"

const char sc__bench_program[] = "counter_bench";

/* Under Wine: docs/performance.md. */
const struct sc_bench_goals sc__bench_goals = {1.15, 0.90, 0.90, 5000.0};

#define WORKER_FLAG "--worker"

/* A worker waits this long at the gate for a launcher that died; the
 * launcher waits this long for a worker to exit, and for a probe to run. */
enum {
    START_TIMEOUT_MS = 60000,
    EXIT_TIMEOUT_MS = 70000,
    LAUNCH_TIMEOUT_MS = 30000
};

/* The counters of the file-mapping and named-mutex variants, each on a cache
 * line of its own so that one variant's traffic never slows the other, and
 * what the processes of a run share besides. */
struct slots {
    _Alignas(64) volatile LONG64 atomic;
    _Alignas(64) volatile LONG64 locked;
    struct sc_bench_shared shared;
};

/* The named objects of one benchmark run and the DLLs loaded at run time.
 * The launcher and its workers open them in the same way, so they all reach
 * the same objects. */
struct sc_bench_targets {
    HANDLE start;   /* manual-reset event: the start gate */
    HANDLE mapping; /* holds struct slots */
    HANDLE mutex;   /* guards slots->locked */
    struct slots *slots;
    HMODULE dlls[SC_BENCH_BUILDS];
    struct sc_bench_library builds[SC_BENCH_BUILDS];
};

/* ---- The targets ---- */

/* The DLL of each build, by full path, as a careful client loads it: the
 * folder of this program is where the import table's copy of
 * sharedcounter.dll was found too, so both are one module. */
static const char *const build_files[SC_BENCH_BUILDS] = {
    [SC_BENCH_RUNTIME] = "sharedcounter.dll",
    [SC_BENCH_HARDENED] = "sharedcounter_hardened.dll",
    [SC_BENCH_NOWAKE] = "sharedcounter_nowake.dll",
};

static void load_build(struct sc_bench_targets *t, enum sc_bench_build build)
{
    struct sc_bench_library *lib = &t->builds[build];
    const char *file = build_files[build];
    char *path = sc__program_path(file);
    wchar_t *wide = path != NULL ? sc__wide_path(path) : NULL;
    HMODULE dll = NULL;

    if (wide == NULL || GetFileAttributesW(wide) == INVALID_FILE_ATTRIBUTES) {
        snprintf(lib->missing, sizeof lib->missing,
                 "%s is not next to this program", file);
    } else if ((dll = LoadLibraryW(wide)) == NULL) {
        snprintf(lib->missing, sizeof lib->missing,
                 "%s did not load: error %lu", file,
                 (unsigned long)GetLastError());
    } else {
        lib->increment =
            (sc_bench_counter_fn)sc__find_function(dll, "sc_increment");
        lib->get = (sc_bench_counter_fn)sc__find_function(dll, "sc_get");
        if (lib->increment == NULL || lib->get == NULL) {
            snprintf(lib->missing, sizeof lib->missing,
                     "%s lacks sc_increment or sc_get", file);
            lib->increment = lib->get = NULL;
            FreeLibrary(dll);
            dll = NULL;
        }
    }
    t->dlls[build] = dll;
    free(wide);
    free(path);
}

/* The launcher's process id makes the names unique to one run, so that two
 * runs at the same time never share a counter. */
static void object_name(char *buf, size_t size, const char *what, DWORD pid)
{
    snprintf(buf, size, "Local\\sc_bench_%lu_%s", (unsigned long)pid, what);
}

/* Returns NULL, or the call that failed. */
static const char *open_named_objects(struct sc_bench_targets *t, DWORD pid)
{
    char name[64];

    object_name(name, sizeof name, "start", pid);
    if ((t->start = CreateEventA(NULL, TRUE, FALSE, name)) == NULL)
        return "CreateEvent";
    object_name(name, sizeof name, "mutex", pid);
    if ((t->mutex = CreateMutexA(NULL, FALSE, name)) == NULL)
        return "CreateMutex";
    object_name(name, sizeof name, "mapping", pid);
    t->mapping = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
                                    0, sizeof *t->slots, name);
    if (t->mapping == NULL)
        return "CreateFileMapping";
    t->slots =
        MapViewOfFile(t->mapping, FILE_MAP_ALL_ACCESS, 0, 0, sizeof *t->slots);
    return t->slots == NULL ? "MapViewOfFile" : NULL;
}

/* The targets of the run that launcher_pid leads; NULL after a message. */
static struct sc_bench_targets *open_targets(DWORD launcher_pid)
{
    struct sc_bench_targets *t = calloc(1, sizeof *t);

    if (t == NULL) {
        sc__bench_error("out of memory");
        return NULL;
    }
    const char *failed = open_named_objects(t, launcher_pid);
    if (failed != NULL) {
        sc__bench_error("%s failed (error %lu)", failed,
                        (unsigned long)GetLastError());
        sc__bench_targets_close(t);
        return NULL;
    }
    for (int build = 0; build < SC_BENCH_BUILDS; build++)
        load_build(t, (enum sc_bench_build)build);
    if (t->dlls[SC_BENCH_RUNTIME] == NULL) {
        sc__bench_error("%s", t->builds[SC_BENCH_RUNTIME].missing);
        sc__bench_targets_close(t);
        return NULL;
    }
    return t;
}

struct sc_bench_targets *sc__bench_targets_open(void)
{
    return open_targets(GetCurrentProcessId());
}

void sc__bench_targets_close(struct sc_bench_targets *t)
{
    if (t->slots != NULL)
        UnmapViewOfFile(t->slots);
    sc__close_handle(&t->mapping);
    sc__close_handle(&t->mutex);
    sc__close_handle(&t->start);
    for (int build = 0; build < SC_BENCH_BUILDS; build++)
        if (t->dlls[build] != NULL)
            FreeLibrary(t->dlls[build]);
    free(t);
}

struct sc_bench_shared *sc__bench_shared(struct sc_bench_targets *t)
{
    return &t->slots->shared;
}

const struct sc_bench_library *
sc__bench_library(const struct sc_bench_targets *t, enum sc_bench_build build)
{
    return &t->builds[build];
}

/* ---- The variants ---- */

/* The limit's counter: process-local, alone on its cache line. */
static _Alignas(64) volatile LONG64 local_counter;

static int run_limit(struct sc_bench_targets *t, uint32_t n)
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

static int run_mapping(struct sc_bench_targets *t, uint32_t n)
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

static int run_mutex(struct sc_bench_targets *t, uint32_t n)
{
    volatile LONG64 *counter = &t->slots->locked;

    for (uint32_t i = 0; i < n; i++) {
        DWORD waited = WaitForSingleObject(t->mutex, INFINITE);
        if (waited != WAIT_OBJECT_0) { /* failed, or abandoned by a crash */
            if (waited != WAIT_FAILED)
                SetLastError(ERROR_ABANDONED_WAIT_0);
            return -1;
        }
        *counter = *counter + 1;
        ReleaseMutex(t->mutex);
    }
    return 0;
}

static int64_t read_mutex(const struct sc_bench_targets *t)
{
    return t->slots->locked;
}

/* The atomic variants look at the clock every 65536 increments, a few
 * hundred microseconds, so the clock costs them nothing measurable; a mutex
 * round trip through Wine's server is some ten thousand times slower. */
static const struct sc_bench_variant limit = {
    .name = "limit",
    .what = "InterlockedIncrement64 on a process-local variable",
    .role = SC_BENCH_LIMIT,
    .safe = 1,
    .batch = 65536,
    .run = run_limit,
    .read = read_limit,
};
static const struct sc_bench_variant mapping = {
    .name = "file-mapping",
    .what = "InterlockedIncrement64 in a named file mapping",
    .role = SC_BENCH_PEER,
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_mapping,
    .read = read_mapping,
};
static const struct sc_bench_variant mutex = {
    .name = "named-mutex",
    .what = "plain ++ in a file mapping, under a named mutex",
    .safe = 1,
    .shared = 1,
    .batch = 4,
    .run = run_mutex,
    .read = read_mutex,
};

const struct sc_bench_variant *const sc__bench_variants[] = {
    &limit,
    &sc__bench_sharedcounter,
    &sc__bench_named,
    &sc__bench_runtime,
    &mapping,
    &mutex,
    &sc__bench_unsafe,
    &sc__bench_hardened,
    &sc__bench_nowake,
};
const int sc__bench_variant_count =
    (int)(sizeof sc__bench_variants / sizeof sc__bench_variants[0]);

/* A reader that moves the counter's cache line to itself, which is how
 * sc_get() read the counter before it was a plain load. */
static volatile LONG64 read_sink;

static int run_locked_read(struct sc_bench_targets *t, uint32_t n)
{
    volatile LONG64 *counter = &t->slots->atomic;

    for (uint32_t i = 0; i < n; i++)
        read_sink = InterlockedCompareExchange64(counter, 0, 0);
    return 0;
}

const struct sc_bench_variant sc__bench_locked_read = {
    .name = "locked-read",
    .what = "InterlockedCompareExchange64(p, 0, 0) in a loop, p in the file "
            "mapping",
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_locked_read,
    .read = read_mapping,
};

/* ---- Gate, clock and atomics ---- */

void sc__bench_gate_open(struct sc_bench_targets *t)
{
    SetEvent(t->start);
}

void sc__bench_gate_close(struct sc_bench_targets *t)
{
    ResetEvent(t->start);
}

int sc__bench_gate_wait(struct sc_bench_targets *t)
{
    DWORD waited = WaitForSingleObject(t->start, START_TIMEOUT_MS);

    if (waited == WAIT_OBJECT_0)
        return 0;
    if (waited == WAIT_TIMEOUT)
        SetLastError(ERROR_TIMEOUT);
    return -1;
}

int64_t sc__bench_load(const volatile int64_t *p)
{
    return InterlockedCompareExchange64((volatile LONG64 *)p, 0, 0);
}

void sc__bench_store(volatile int64_t *p, int64_t value)
{
    InterlockedExchange64(p, value);
}

/* ---- The workers ---- */

struct sc_bench_pool {
    struct sc_child workers[SC_BENCH_MAX_PROCS];
    int count;
    struct sc_bench_targets *targets;
};

/* The launcher joins a job that kills every process in it when its last
 * handle closes, before it starts any: each worker and probe is in it from
 * its creation on, and when the launcher ends, however it ends, the system
 * closes the handle and kills whatever is left. */
static DWORD join_kill_on_close_job(void)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {0};
    HANDLE job = CreateJobObjectA(NULL, NULL);

    if (job == NULL)
        return GetLastError();
    limits.BasicLimitInformation.LimitFlags =
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits,
                                sizeof limits) &&
        AssignProcessToJobObject(job, GetCurrentProcess()))
        return 0; /* the handle stays open until the launcher ends */
    DWORD err = GetLastError();
    CloseHandle(job);
    return err;
}

struct sc_bench_pool *sc__bench_pool_start(struct sc_bench_targets *t,
                                           int count)
{
    char args[64];
    struct sc_bench_pool *pool = calloc(1, sizeof *pool);
    char *exe = sc__program_path(NULL);
    DWORD err = pool == NULL || exe == NULL ? ERROR_OUTOFMEMORY
                                            : join_kill_on_close_job();

    snprintf(args, sizeof args, WORKER_FLAG " %lu",
             (unsigned long)GetCurrentProcessId());
    for (int i = 0; i < count && err == 0; i++) {
        err = sc__child_start(&pool->workers[i], exe, args,
                              SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT);
        if (err == 0)
            pool->count++;
    }
    free(exe);
    if (pool != NULL)
        pool->targets = t;
    if (err != 0) {
        sc__bench_error("cannot start the workers (error %lu)",
                        (unsigned long)err);
        if (pool != NULL)
            sc__bench_pool_stop(pool, 1);
        return NULL;
    }
    return pool;
}

int sc__bench_pool_send(struct sc_bench_pool *pool, int i, const char *line)
{
    DWORD err = sc__child_write(&pool->workers[i], line, strlen(line));

    return err == 0 ? 0
                    : sc__bench_error("worker %d does not listen (error %lu)",
                                      i, (unsigned long)err);
}

int sc__bench_pool_read(struct sc_bench_pool *pool, int i, char *line,
                        size_t size)
{
    DWORD err = sc__child_read_line(&pool->workers[i], line, size);

    return err == 0 ? 0
                    : sc__bench_error("worker %d stopped answering (error "
                                      "%lu)",
                                      i, (unsigned long)err);
}

int sc__bench_pool_stop(struct sc_bench_pool *pool, int kill)
{
    int failed = 0;

    /* Workers still at the gate of a run that failed would otherwise sit
     * out their whole timeout. */
    sc__bench_gate_open(pool->targets);
    for (int i = 0; i < pool->count; i++) {
        struct sc_child_output output;
        DWORD code;
        DWORD err = sc__child_finish(
            &pool->workers[i], kill ? 0 : EXIT_TIMEOUT_MS, &code, &output);
        if (err == 0) {
            if (code != 0)
                failed =
                    sc__bench_error("worker %d exited with status %lu%s%s", i,
                                    (unsigned long)code,
                                    output.err_len ? ": " : "", output.err);
            sc__child_output_free(&output);
        } else if (!kill) {
            failed = sc__bench_error("worker %d did not end cleanly (error "
                                     "%lu)",
                                     i, (unsigned long)err);
        }
        sc__child_close(&pool->workers[i]);
    }
    free(pool);
    return failed;
}

int sc__bench_worker_main(int argc, char **argv)
{
    struct sc_option launcher = SC_INT_OPTION(WORKER_FLAG, 1, UINT32_MAX, 0);

    if (argc < 2 || strcmp(argv[1], WORKER_FLAG) != 0)
        return -1;
    switch (sc__parse_args(argc, argv, sc__bench_program, &launcher, 1)) {
    case SC_ARGS_OK:
        break;
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_HELP:
        printf("usage: %s " WORKER_FLAG " LAUNCHER_PID\n\nA worker of the "
               "benchmark, which the benchmark starts itself.\n",
               sc__bench_program);
        return SC_EXIT_OK;
    case SC_ARGS_VERSION:
        return sc__print_program_version(sc__bench_program) == 0
                   ? SC_EXIT_OK
                   : SC_EXIT_FAILURE;
    }
    struct sc_bench_targets *t = open_targets((DWORD)launcher.value);
    if (t == NULL)
        return SC_EXIT_FAILURE;
    int status = sc__bench_serve(t, stdin, stdout);
    sc__bench_targets_close(t);
    return status;
}

/* ---- Launching a program ---- */

int sc__bench_launch(const char *program, double *ms)
{
    struct sc_child child;
    DWORD code = 1;
    int64_t start = (int64_t)sc__clock_ns();
    DWORD err = sc__child_start(&child, program, NULL, 0);

    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
        return -1;
    if (err == 0)
        err = sc__child_finish(&child, LAUNCH_TIMEOUT_MS, &code, NULL);
    *ms = (double)((int64_t)sc__clock_ns() - start) / 1e6;
    sc__child_close(&child);
    if (err != 0 || code != 0)
        return sc__bench_error("%s failed: error %lu, exit status 0x%lx",
                               program, (unsigned long)err,
                               (unsigned long)code);
    return 0;
}
