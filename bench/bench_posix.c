/*
 * counter_bench_native: libsharedcounter.so's sc_increment() against the
 * alternatives on Linux, at 1 and 2 processes (docs/performance.md):
 *
 *     inline-atomic  __atomic_fetch_add on a MAP_SHARED anonymous page: the
 *                    one locked add that nothing shared can beat
 *     local-call     the same locked add in a function of this program that
 *                    the loop calls: the cost of a call alone
 *     sharedcounter  sc_increment(), a call through the PLT
 *     posix-shm      __atomic_fetch_add in a shm_open + mmap object
 *     pthread-mutex  a PTHREAD_PROCESS_SHARED mutex around ++, in that page
 *
 * Each run forks the processes, releases them together through a pipe, and
 * times each process's loop; a variant's figure is the median of its runs
 * of the slowest process's nanoseconds per increment, the runs of all
 * variants taken in turns. Every run also checks
 * that the counter moved by exactly the increments made.
 *
 *     counter_bench_native [--ops N] [--runs R]
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <pthread.h>
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
    {"posix-shm", loop_shm, read_shm},
    {"pthread-mutex", loop_mutex, read_mutex},
};
enum { VARIANTS = sizeof variants / sizeof variants[0] };

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

#define USAGE                                                                  \
    "usage: counter_bench_native [--ops N] [--runs 1..31] [--help] "           \
    "[--version]\n"

/* Returns -1 to run, or the exit code. */
static int parse(int argc, char **argv, long *ops, int *runs)
{
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i];
        char *end = NULL;
        if (strcmp(option, "--help") == 0) {
            printf(USAGE "Times sc_increment() against an inline atomic, the "
                         "same atomic behind a local call,\na POSIX shm "
                         "object and a process-shared mutex, at 1 and 2 "
                         "processes\n(docs/performance.md).\n");
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
        if (end == NULL || *end != '\0' || *ops < 1 || *runs < 1 ||
            *runs > MAX_RUNS) {
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
    struct arena *arena;
    int64_t *shm;
    double limit[2] = {0, 0};

    int status = parse(argc, argv, &ops, &runs);
    if (status >= 0)
        return status;
    if (setup(&arena, &shm) != 0) {
        perror("counter_bench_native: shared memory");
        return 1;
    }
    /* The runs take the variants in turns, so that a slower stretch of
     * the machine falls on all of them alike. */
    static double times[VARIANTS][2][MAX_RUNS];
    for (int r = 0; r < runs; r++)
        for (int v = 0; v < VARIANTS; v++)
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
    for (int v = 0; v < VARIANTS; v++)
        for (int processes = 1; processes <= 2; processes++) {
            double *t = times[v][processes - 1];
            qsort(t, (size_t)runs, sizeof *t, by_value);
            double median = t[runs / 2];
            if (v == 0)
                limit[processes - 1] = median;
            printf("%-14s %9d %14.2f %15.2f\n", variants[v].name, processes,
                   median, median / limit[processes - 1]);
        }
    return 0;
}
