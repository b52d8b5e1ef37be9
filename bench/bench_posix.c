/*
 * counter_bench_native: libsharedcounter.so's sc_increment() against the
 * alternatives on Linux, at 1 and 2 processes (docs/performance.md):
 *
 *     inline-atomic  __atomic_fetch_add on a MAP_SHARED anonymous page: the
 *                    one locked add that nothing shared can beat
 *     local-call     the same locked add in a function of this program that
 *                    the loop calls: the cost of a call alone
 *     sharedcounter  sc_increment(), a call through the PLT
 *     named          sc_counter_add(id, 1) on a named counter, the same way
 *     posix-shm      __atomic_fetch_add in a shm_open + mmap object
 *     pthread-mutex  a PTHREAD_PROCESS_SHARED mutex around ++, in that page
 *     sc-nowake      sc_increment() of libsharedcounter_nowake.so, when it
 *                    sits next to the library, through a dlsym pointer:
 *                    the same code without the writers' look at the
 *                    waiting flag (sc-dlsym calls the library that way)
 *
 * Each run forks the processes, releases them together through a pipe, and
 * times each process's loop; a variant's figure is the median of its runs
 * of the slowest process's nanoseconds per increment, the runs of all
 * variants taken in turns. Every run also checks
 * that the counter moved by exactly the increments made.
 *
 * Then sc_wait(): one sc_increment() writer with 0, 1 and 8 processes in a
 * wait loop beside it, in turns; and the wake latency, from a timestamp
 * taken just before sc_add() in one process to sc_wait() returning in
 * another, idle and with two sc_increment() writers busy.
 *
 *     counter_bench_native [--ops N] [--runs R] [--wakes N]
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sharedcounter.h"
#include "wrapping.h"

enum { MAX_RUNS = 31 };

/* What all processes of a run share: the counters, the mutex, and each
 * process's time. */
struct arena {
    _Alignas(64) int64_t atomic;
    _Alignas(64) int64_t locked;
    pthread_mutex_t mutex;
    _Alignas(64) double seconds[2];
    /* The waiting sections' flags, away from the counters' lines. */
    _Alignas(64) int stop; /* the waiters and busy writers end */
    int acked;             /* wakes the waiter has timed */
    int64_t stamp_ns;      /* CLOCK_MONOTONIC just before the timed sc_add */
};

struct variant {
    const char *name;
    void (*loop)(struct arena *arena, int64_t *shm, long ops);
    int64_t (*read)(const struct arena *arena, const int64_t *shm);
};

static void loop_inline(struct arena *arena, int64_t *shm, long ops)
{
    (void)shm;
    for (long i = 0; i < ops; i++)
        __atomic_fetch_add(&arena->atomic, 1, __ATOMIC_SEQ_CST);
}

/* noinline keeps the call, and the return address it stores, in the loop. */
__attribute__((noinline)) static int64_t increment_here(int64_t *p)
{
    return __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST) + 1;
}

static void loop_local_call(struct arena *arena, int64_t *shm, long ops)
{
    (void)shm;
    for (long i = 0; i < ops; i++)
        increment_here(&arena->atomic);
}

static void loop_sharedcounter(struct arena *arena, int64_t *shm, long ops)
{
    (void)arena;
    (void)shm;
    for (long i = 0; i < ops; i++)
        sc_increment();
}

/* The named counter of the "named" variant, opened before the runs. */
static int32_t named_id;

static void loop_named(struct arena *arena, int64_t *shm, long ops)
{
    (void)arena;
    (void)shm;
    for (long i = 0; i < ops; i++)
        sc_counter_add(named_id, 1);
}

static int64_t read_named(const struct arena *arena, const int64_t *shm)
{
    (void)arena;
    (void)shm;
    return sc_counter_get(named_id);
}

/* The two libraries' sc_increment() and sc_get(), called alike through
 * pointers; the second's is NULL when libsharedcounter_nowake.so is not
 * next to the library. */
static int64_t (*dlsym_increment)(void), (*dlsym_get)(void);
static int64_t (*nowake_increment)(void), (*nowake_get)(void);

static void loop_dlsym(struct arena *arena, int64_t *shm, long ops)
{
    (void)arena;
    (void)shm;
    for (long i = 0; i < ops; i++)
        dlsym_increment();
}

static int64_t read_dlsym(const struct arena *arena, const int64_t *shm)
{
    (void)arena;
    (void)shm;
    return dlsym_get();
}

static void loop_nowake(struct arena *arena, int64_t *shm, long ops)
{
    (void)arena;
    (void)shm;
    for (long i = 0; i < ops; i++)
        nowake_increment();
}

static int64_t read_nowake(const struct arena *arena, const int64_t *shm)
{
    (void)arena;
    (void)shm;
    return nowake_get();
}

static void loop_shm(struct arena *arena, int64_t *shm, long ops)
{
    (void)arena;
    for (long i = 0; i < ops; i++)
        __atomic_fetch_add(shm, 1, __ATOMIC_SEQ_CST);
}

static void loop_mutex(struct arena *arena, int64_t *shm, long ops)
{
    (void)shm;
    for (long i = 0; i < ops; i++) {
        pthread_mutex_lock(&arena->mutex);
        arena->locked++;
        pthread_mutex_unlock(&arena->mutex);
    }
}

static int64_t read_inline(const struct arena *arena, const int64_t *shm)
{
    (void)shm;
    return arena->atomic;
}

static int64_t read_sharedcounter(const struct arena *arena, const int64_t *shm)
{
    (void)arena;
    (void)shm;
    return sc_get();
}

static int64_t read_shm(const struct arena *arena, const int64_t *shm)
{
    (void)arena;
    return *shm;
}

static int64_t read_mutex(const struct arena *arena, const int64_t *shm)
{
    (void)shm;
    return arena->locked;
}

static const struct variant variants[] = {
    {"inline-atomic", loop_inline, read_inline},
    {"local-call", loop_local_call, read_inline},
    {"sharedcounter", loop_sharedcounter, read_sharedcounter},
    {"named", loop_named, read_named},
    {"posix-shm", loop_shm, read_shm},
    {"pthread-mutex", loop_mutex, read_mutex},
    {"sc-dlsym", loop_dlsym, read_dlsym},
    {"sc-nowake", loop_nowake, read_nowake},
};
enum {
    VARIANTS = sizeof variants / sizeof variants[0],
    SHAREDCOUNTER = 2,
    NOWAKE = VARIANTS - 1
};

/* The library's own functions, and the nowake build's from the folder
 * where the library was found. Returns 0, or -1 with the reason in why. */
static int load_pointers(char *why, size_t size)
{
    Dl_info info;
    char path[4096];

    dlsym_increment = (int64_t(*)(void))dlsym(RTLD_DEFAULT, "sc_increment");
    dlsym_get = (int64_t(*)(void))dlsym(RTLD_DEFAULT, "sc_get");
    if (dladdr((void *)sc_get, &info) == 0 || info.dli_fname == NULL) {
        snprintf(why, size, "cannot find where the library is");
        return -1;
    }
    const char *slash = strrchr(info.dli_fname, '/');
    int dir = slash != NULL ? (int)(slash - info.dli_fname + 1) : 0;
    snprintf(path, sizeof path, "%.*slibsharedcounter_nowake.so", dir,
             info.dli_fname);
    void *nowake = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (nowake == NULL) {
        snprintf(why, size, "%s", dlerror());
        return -1;
    }
    nowake_increment = (int64_t(*)(void))dlsym(nowake, "sc_increment");
    nowake_get = (int64_t(*)(void))dlsym(nowake, "sc_get");
    return 0;
}

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One run of processes copies of the variant's loop; returns the slowest
 * process's nanoseconds per increment, or -1 when an update was lost. */
static double run(const struct variant *v, struct arena *arena, int64_t *shm,
                  int processes, long ops)
{
    int gate[2];
    pid_t pids[2];
    int64_t before = v->read(arena, shm);

    if (pipe(gate) != 0)
        return -1;
    fflush(stdout);
    for (int p = 0; p < processes; p++) {
        pids[p] = fork();
        if (pids[p] == 0) {
            char c;
            close(gate[1]);
            if (read(gate[0], &c, 1) != 0)
                _exit(1);
            double start = now();
            v->loop(arena, shm, ops);
            arena->seconds[p] = now() - start;
            _exit(0);
        }
    }
    close(gate[0]);
    close(gate[1]);
    int failed = 0;
    for (int p = 0; p < processes; p++) {
        int status;
        failed |= waitpid(pids[p], &status, 0) != pids[p] ||
                  !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    int64_t moved = sc__wrapping_sub(v->read(arena, shm), before);
    if (failed || moved != (int64_t)processes * ops)
        return -1;
    double slowest = 0;
    for (int p = 0; p < processes; p++)
        if (arena->seconds[p] > slowest)
            slowest = arena->seconds[p];
    return slowest * 1e9 / (double)ops;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- Waiting ---- */

enum { MAX_WAITERS = 8, BUSY_WRITERS = 2 };

static const int waiter_counts[] = {0, 1, MAX_WAITERS};
enum { WAITER_COUNTS = sizeof waiter_counts / sizeof waiter_counts[0] };

static int64_t now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void sleep_us(long us)
{
    struct timespec t = {us / 1000000, us % 1000000 * 1000};
    nanosleep(&t, NULL);
}

static int stopping(struct arena *arena)
{
    return __atomic_load_n(&arena->stop, __ATOMIC_SEQ_CST);
}

/* The waiters and busy writers look at stop between their waits or
 * batches; the increment after it wakes any waiter asleep, and one that has
 * not yet seen it returns from its next wait at once, its seen being older
 * than that increment. */
static int stop_all(struct arena *arena, const pid_t *pids, int count)
{
    int failed = 0;

    __atomic_store_n(&arena->stop, 1, __ATOMIC_SEQ_CST);
    sc_increment();
    for (int i = 0; i < count; i++) {
        int status;
        failed |= waitpid(pids[i], &status, 0) != pids[i] ||
                  !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    __atomic_store_n(&arena->stop, 0, __ATOMIC_SEQ_CST);
    return failed;
}

/* A process that follows the counter: sc_wait(seen, SC_WAIT_FOREVER,
 * &seen) in a loop, until the benchmark stops it. */
static pid_t start_waiter(struct arena *arena)
{
    pid_t pid = fork();

    if (pid == 0) {
        int64_t seen = sc_get();
        while (!stopping(arena))
            if (sc_wait(seen, SC_WAIT_FOREVER, &seen) < 0)
                _exit(1);
        _exit(0);
    }
    return pid;
}

/* The writer's ns/increment with waiters beside it, asleep before it
 * starts; -1 when a process failed or an update was lost. */
static double run_beside_waiters(struct arena *arena, int waiters, long ops)
{
    const struct variant *writer = &variants[SHAREDCOUNTER];
    pid_t pids[MAX_WAITERS];

    for (int i = 0; i < waiters; i++)
        pids[i] = start_waiter(arena);
    sleep_us(20000);
    double t = run(writer, arena, NULL, 1, ops);
    return stop_all(arena, pids, waiters) ? -1 : t;
}

static pid_t start_busy_writer(struct arena *arena)
{
    pid_t pid = fork();

    if (pid == 0) {
        while (!stopping(arena))
            for (int i = 0; i < 1024; i++)
                sc_increment();
        _exit(0);
    }
    return pid;
}

/* The timed writer adds 2^40: the busy writers' increments stay below it,
 * so the waiter tells the timed adds from theirs by how far the counter has
 * moved since it started. */
enum { TIMED_SHIFT = 40 };

static void timed_writer(struct arena *arena, long wakes)
{
    srand((unsigned)getpid());
    for (long i = 0; i < wakes; i++) {
        while (__atomic_load_n(&arena->acked, __ATOMIC_ACQUIRE) != i)
            sleep_us(20);
        sleep_us(rand() % 1000);
        __atomic_store_n(&arena->stamp_ns, now_ns(), __ATOMIC_RELEASE);
        sc_add((int64_t)1 << TIMED_SHIFT);
    }
}

static void timed_waiter(struct arena *arena, double *latency_us, long wakes)
{
    int64_t start = sc_get(), seen = start;

    __atomic_store_n(&arena->acked, 0, __ATOMIC_RELEASE);
    for (long i = 0; i < wakes; i++) {
        while ((uint64_t)sc__wrapping_sub(seen, start) >> TIMED_SHIFT <=
               (uint64_t)i)
            if (sc_wait(seen, SC_WAIT_FOREVER, &seen) < 0)
                _exit(1);
        int64_t woke = now_ns();
        latency_us[i] = (double)(woke - __atomic_load_n(&arena->stamp_ns,
                                                        __ATOMIC_ACQUIRE)) /
                        1000.0;
        __atomic_store_n(&arena->acked, i + 1, __ATOMIC_RELEASE);
    }
}

/* wakes timed wakes, with busy writers beside; latency_us (shared with the
 * waiter) receives them sorted. Returns 0 or -1. */
static int wake_latency(struct arena *arena, int busy, double *latency_us,
                        long wakes)
{
    pid_t pids[BUSY_WRITERS + 1];

    __atomic_store_n(&arena->acked, -1, __ATOMIC_RELEASE);
    for (int i = 0; i < busy; i++)
        pids[i] = start_busy_writer(arena);
    pid_t waiter = fork();
    if (waiter == 0) {
        timed_waiter(arena, latency_us, wakes);
        _exit(0);
    }
    pids[busy] = waiter;
    timed_writer(arena, wakes);
    if (stop_all(arena, pids, busy + 1) != 0)
        return -1;
    qsort(latency_us, (size_t)wakes, sizeof *latency_us, by_value);
    return 0;
}

/* The nearest-rank percentile of sorted values. */
static double percentile(const double *sorted, long n, int p)
{
    long rank = (n * p + 99) / 100;
    return sorted[rank > 0 ? rank - 1 : 0];
}

static int time_waiting(struct arena *arena, long ops, int runs, long wakes)
{
    static double times[WAITER_COUNTS][MAX_RUNS];

    for (int r = 0; r < runs; r++)
        for (int k = 0; k < WAITER_COUNTS; k++) {
            int w = (k + r) % WAITER_COUNTS;
            times[w][r] = run_beside_waiters(arena, waiter_counts[w], ops);
            if (times[w][r] < 0) {
                fprintf(stderr,
                        "counter_bench_native: a run beside %d "
                        "waiters failed\n",
                        waiter_counts[w]);
                return 1;
            }
        }
    printf("\n%-14s %9s %14s %15s\n", "writer", "waiters", "ns/increment",
           "vs no waiter");
    double alone = 0;
    for (int w = 0; w < WAITER_COUNTS; w++) {
        qsort(times[w], (size_t)runs, sizeof times[w][0], by_value);
        double median = times[w][runs / 2];
        alone = w == 0 ? median : alone;
        printf("%-14s %9d %14.2f %15.2f\n", "sharedcounter", waiter_counts[w],
               median, alone / median);
    }
    if (wakes == 0)
        return 0;
    double *latency_us =
        mmap(NULL, sizeof(double) * (size_t)wakes, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (latency_us == MAP_FAILED) {
        perror("counter_bench_native: shared memory");
        return 1;
    }
    printf("\nwake latency, sc_add() to sc_wait() returning in another "
           "process, %ld wakes:\n%-16s %12s %12s %12s\n",
           wakes, "beside", "median us", "p99 us", "max us");
    int failed = 0;
    for (int busy = 0; busy <= BUSY_WRITERS && !failed; busy += BUSY_WRITERS) {
        failed = wake_latency(arena, busy, latency_us, wakes) != 0;
        if (!failed)
            printf("%-16s %12.1f %12.1f %12.1f\n",
                   busy ? "2 busy writers" : "idle",
                   percentile(latency_us, wakes, 50),
                   percentile(latency_us, wakes, 99), latency_us[wakes - 1]);
    }
    munmap(latency_us, sizeof(double) * (size_t)wakes);
    if (failed)
        fprintf(stderr, "counter_bench_native: a wake latency process "
                        "failed\n");
    return failed;
}

#define USAGE                                                                  \
    "usage: counter_bench_native [--ops N] [--runs 1..31] [--wakes N] "        \
    "[--help]\n                            [--version]\n"

/* Returns -1 to run, or the exit code. */
static int parse(int argc, char **argv, long *ops, int *runs, long *wakes)
{
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i];
        char *end = NULL;
        if (strcmp(option, "--help") == 0) {
            printf(USAGE
                   "Times sc_increment() and sc_counter_add() against an "
                   "inline atomic, the\nsame atomic behind a local call, a "
                   "POSIX shm object and a process-shared\nmutex, at 1 and 2 "
                   "processes; then one writer beside 0, 1 and 8 processes\n"
                   "in sc_wait(), and the wake latency of sc_wait() over "
                   "--wakes wakes (default\n1000; 0 skips it), idle and with "
                   "two writers busy (docs/performance.md).\n");
            return 0;
        }
        if (strcmp(option, "--version") == 0) {
            uint32_t library = sc_version();
            printf("counter_bench_native " SC_VERSION_STRING "\n"
                   "library version: %u.%u.%u\n",
                   (unsigned)(library >> 16), (unsigned)(library >> 8 & 0xff),
                   (unsigned)(library & 0xff));
            return 0;
        }
        if (i + 1 < argc && strcmp(option, "--ops") == 0)
            *ops = strtol(argv[++i], &end, 10);
        else if (i + 1 < argc && strcmp(option, "--runs") == 0)
            *runs = (int)strtol(argv[++i], &end, 10);
        else if (i + 1 < argc && strcmp(option, "--wakes") == 0)
            *wakes = strtol(argv[++i], &end, 10);
        if (end == NULL || *end != '\0' || *ops < 1 || *runs < 1 ||
            *runs > MAX_RUNS || *wakes < 0 || *wakes > 1000000) {
            fprintf(stderr,
                    "counter_bench_native: bad option or value: %s\n"
                    "Try 'counter_bench_native --help'.\n",
                    option);
            return 2;
        }
    }
    return -1;
}

static int setup(struct arena **arena, int64_t **shm)
{
    char name[64];
    pthread_mutexattr_t attr;

    *arena = mmap(NULL, sizeof **arena, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    snprintf(name, sizeof name, "/counter_bench_native-%ld", (long)getpid());
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (*arena == MAP_FAILED || fd < 0 || ftruncate(fd, 4096) != 0)
        return -1;
    *shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    shm_unlink(name);
    close(fd);
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&(*arena)->mutex, &attr);
    return *shm == MAP_FAILED ? -1 : 0;
}

int main(int argc, char **argv)
{
    long ops = 20000000;
    int runs = 5;
    long wakes = 1000;
    struct arena *arena;
    int64_t *shm;
    double limit[2] = {0, 0};

    int status = parse(argc, argv, &ops, &runs, &wakes);
    if (status >= 0)
        return status;
    if (setup(&arena, &shm) != 0) {
        perror("counter_bench_native: shared memory");
        return 1;
    }
    named_id = sc_counter_open("counter_bench_native_increments_total");
    if (named_id < 0) {
        perror("counter_bench_native: sc_counter_open");
        return 1;
    }
    /* The runs take the variants in turns, so that a slower stretch of
     * the machine falls on all of them alike. */
    char why[256];
    int variant_count = VARIANTS;
    if (load_pointers(why, sizeof why) != 0) {
        printf("sc-nowake: skipped, %s\n", why);
        variant_count = NOWAKE;
    }
    static double times[VARIANTS][2][MAX_RUNS];
    for (int r = 0; r < runs; r++)
        for (int v = 0; v < variant_count; v++)
            for (int processes = 1; processes <= 2; processes++) {
                double t = run(&variants[v], arena, shm, processes, ops);
                if (t < 0) {
                    fprintf(stderr, "counter_bench_native: %s lost updates\n",
                            variants[v].name);
                    return 1;
                }
                times[v][processes - 1][r] = t;
            }
    printf("%-14s %9s %14s %15s\n", "variant", "processes", "ns/increment",
           "vs inline-atomic");
    for (int v = 0; v < variant_count; v++)
        for (int processes = 1; processes <= 2; processes++) {
            double *t = times[v][processes - 1];
            qsort(t, (size_t)runs, sizeof *t, by_value);
            double median = t[runs / 2];
            if (v == 0)
                limit[processes - 1] = median;
            printf("%-14s %9d %14.2f %15.2f\n", variants[v].name, processes,
                   median, median / limit[processes - 1]);
        }
    return time_waiting(arena, ops, runs, wakes);
}
