/*
 * counter_bench_native, the benchmark's Linux half (bench.h): the variants
 * of a Linux program, the shared memory that the launcher maps before it
 * forks its workers, libsharedcounter_nowake.so loaded at run time, and the
 * workers, forked copies of the launcher in a process group of their own
 * that die with it.
 */
#define _GNU_SOURCE

#include "bench.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child_process.h"
#include "sharedcounter.h"

const char sc__bench_program[] = "counter_bench_native";

/* Native: docs/performance.md. */
const struct sc_bench_goals sc__bench_goals = {1.10, 0.90, 0.90, 1000.0};

/* A worker waits this long at the gate for a launcher that went wrong; the
 * launcher waits this long for a worker's line, for it to exit, and for a
 * probe to run. */
enum {
    START_TIMEOUT_MS = 60000,
    READ_TIMEOUT_MS = 60000,
    EXIT_TIMEOUT_MS = 70000,
    LAUNCH_TIMEOUT_MS = 30000
};

/* What the launcher and its workers share, in a MAP_SHARED anonymous
 * mapping that each fork inherits: the mutex variant's counter and mutex,
 * the start gate, and the rest of the run's shared state. */
struct arena {
    _Alignas(64) int64_t locked;
    pthread_mutex_t mutex; /* guards locked */
    _Alignas(64) pthread_mutex_t gate_mutex;
    pthread_cond_t gate_opened;
    int gate_open;
    struct sc_bench_shared shared;
};

struct sc_bench_targets {
    struct arena *arena;
    int64_t *shm; /* posix-shm's counter, in a shm_open + mmap object */
    void *nowake; /* dlopen's handle */
    struct sc_bench_library builds[SC_BENCH_BUILDS];
};

/* ---- The targets ---- */

/* The mutexes and the condition are shared by the processes, and the gate
 * times out on the clock that only moves forward. */
static int init_sync(struct arena *arena)
{
    pthread_mutexattr_t mutex;
    pthread_condattr_t cond;

    pthread_mutexattr_init(&mutex);
    pthread_mutexattr_setpshared(&mutex, PTHREAD_PROCESS_SHARED);
    pthread_condattr_init(&cond);
    pthread_condattr_setpshared(&cond, PTHREAD_PROCESS_SHARED);
    pthread_condattr_setclock(&cond, CLOCK_MONOTONIC);
    int err = pthread_mutex_init(&arena->mutex, &mutex);
    if (err == 0)
        err = pthread_mutex_init(&arena->gate_mutex, &mutex);
    if (err == 0)
        err = pthread_cond_init(&arena->gate_opened, &cond);
    pthread_condattr_destroy(&cond);
    pthread_mutexattr_destroy(&mutex);
    errno = err;
    return err == 0 ? 0 : -1;
}

/* The shm object goes from the file system at once: the mapping, which the
 * workers inherit, keeps it. Returns NULL, or the call that failed. */
static const char *open_memory(struct sc_bench_targets *t)
{
    char name[64];

    t->arena = mmap(NULL, sizeof *t->arena, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (t->arena == MAP_FAILED) {
        t->arena = NULL;
        return "mmap";
    }
    if (init_sync(t->arena) != 0)
        return "pthread_mutex_init";
    snprintf(name, sizeof name, "/counter_bench_native-%ld", (long)getpid());
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return "shm_open";
    shm_unlink(name);
    void *shm = ftruncate(fd, sizeof *t->shm) == 0
                    ? mmap(NULL, sizeof *t->shm, PROT_READ | PROT_WRITE,
                           MAP_SHARED, fd, 0)
                    : MAP_FAILED;
    int err = errno;
    close(fd);
    errno = err;
    if (shm == MAP_FAILED)
        return "mmap of the shm object";
    t->shm = shm;
    return NULL;
}

/* The library this program links, through dlsym; fails only if it is not
 * the library its header says. */
static int look_up_own(struct sc_bench_library *lib)
{
    lib->increment = (sc_bench_counter_fn)dlsym(RTLD_DEFAULT, "sc_increment");
    lib->get = (sc_bench_counter_fn)dlsym(RTLD_DEFAULT, "sc_get");
    return lib->increment != NULL && lib->get != NULL ? 0 : -1;
}

/* libsharedcounter_nowake.so, from the folder where this program found the
 * library, as a test build sits beside it in the build tree. */
static void *load_nowake(struct sc_bench_library *lib)
{
    static const char file[] = "libsharedcounter_nowake.so";
    Dl_info info;
    char path[4096];

    if (dladdr((void *)sc_get, &info) == 0 || info.dli_fname == NULL) {
        snprintf(lib->missing, sizeof lib->missing,
                 "cannot find where the library is");
        return NULL;
    }
    const char *slash = strrchr(info.dli_fname, '/');
    int dir = slash != NULL ? (int)(slash - info.dli_fname + 1) : 0;
    snprintf(path, sizeof path, "%.*s%s", dir, info.dli_fname, file);
    if (access(path, F_OK) != 0) {
        snprintf(lib->missing, sizeof lib->missing,
                 "%s is not next to the library", file);
        return NULL;
    }
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle != NULL) {
        lib->increment = (sc_bench_counter_fn)dlsym(handle, "sc_increment");
        lib->get = (sc_bench_counter_fn)dlsym(handle, "sc_get");
    }
    if (lib->increment == NULL || lib->get == NULL)
        snprintf(lib->missing, sizeof lib->missing, "%s", dlerror());
    return handle;
}

struct sc_bench_targets *sc__bench_targets_open(void)
{
    struct sc_bench_targets *t = calloc(1, sizeof *t);
    const char *failed = t == NULL ? "calloc" : open_memory(t);

    if (failed == NULL && look_up_own(&t->builds[SC_BENCH_RUNTIME]) != 0)
        failed = "dlsym";
    if (failed != NULL) {
        sc__bench_error("%s failed: %s", failed, strerror(errno));
        if (t != NULL)
            sc__bench_targets_close(t);
        return NULL;
    }
    snprintf(t->builds[SC_BENCH_HARDENED].missing,
             sizeof t->builds[SC_BENCH_HARDENED].missing,
             "the hardened build is Windows only");
    t->nowake = load_nowake(&t->builds[SC_BENCH_NOWAKE]);
    return t;
}

void sc__bench_targets_close(struct sc_bench_targets *t)
{
    if (t->shm != NULL)
        munmap(t->shm, sizeof *t->shm);
    if (t->arena != NULL)
        munmap(t->arena, sizeof *t->arena);
    if (t->nowake != NULL)
        dlclose(t->nowake);
    free(t);
}

struct sc_bench_shared *sc__bench_shared(struct sc_bench_targets *t)
{
    return &t->arena->shared;
}

const struct sc_bench_library *
sc__bench_library(const struct sc_bench_targets *t, enum sc_bench_build build)
{
    return &t->builds[build];
}

/* ---- The variants ---- */

/* The limit's counter: process-local, alone on its cache line. */
static _Alignas(64) int64_t local_counter;

static int run_limit(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++)
        __atomic_fetch_add(&local_counter, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static int64_t read_limit(const struct sc_bench_targets *t)
{
    (void)t;
    return __atomic_load_n(&local_counter, __ATOMIC_SEQ_CST);
}

/* noinline keeps the call, and the return address it stores, in the loop. */
__attribute__((noinline)) static int64_t increment_here(int64_t *p)
{
    return __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST) + 1;
}

static int run_local_call(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++)
        increment_here(&local_counter);
    return 0;
}

static int run_shm(struct sc_bench_targets *t, uint32_t n)
{
    int64_t *counter = t->shm;

    for (uint32_t i = 0; i < n; i++)
        __atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static int64_t read_shm(const struct sc_bench_targets *t)
{
    return __atomic_load_n(t->shm, __ATOMIC_SEQ_CST);
}

static int run_mutex(struct sc_bench_targets *t, uint32_t n)
{
    struct arena *arena = t->arena;

    for (uint32_t i = 0; i < n; i++) {
        int err = pthread_mutex_lock(&arena->mutex);
        if (err != 0) {
            errno = err;
            return -1;
        }
        arena->locked++;
        pthread_mutex_unlock(&arena->mutex);
    }
    return 0;
}

static int64_t read_mutex(const struct sc_bench_targets *t)
{
    pthread_mutex_lock(&t->arena->mutex);
    int64_t value = t->arena->locked;
    pthread_mutex_unlock(&t->arena->mutex);
    return value;
}

/* The atomic variants look at the clock every 65536 increments, a few
 * hundred microseconds, so the clock costs them nothing measurable; a
 * contended mutex may sleep in the kernel, so it looks more often. */
static const struct sc_bench_variant limit = {
    .name = "limit",
    .what = "__atomic_fetch_add on a process-local variable",
    .role = SC_BENCH_LIMIT,
    .safe = 1,
    .batch = 65536,
    .run = run_limit,
    .read = read_limit,
};
static const struct sc_bench_variant local_call = {
    .name = "local-call",
    .what = "the same add in a noinline function of this program",
    .safe = 1,
    .batch = 65536,
    .run = run_local_call,
    .read = read_limit,
};
static const struct sc_bench_variant shm = {
    .name = "posix-shm",
    .what = "__atomic_fetch_add in a shm_open + mmap object",
    .role = SC_BENCH_PEER,
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_shm,
    .read = read_shm,
};
static const struct sc_bench_variant mutex = {
    .name = "pthread-mutex",
    .what = "plain ++ under a PTHREAD_PROCESS_SHARED mutex",
    .safe = 1,
    .shared = 1,
    .batch = 4096,
    .run = run_mutex,
    .read = read_mutex,
};

const struct sc_bench_variant *const sc__bench_variants[] = {
    &limit,           &local_call,        &sc__bench_sharedcounter,
    &sc__bench_named, &sc__bench_runtime, &shm,
    &mutex,           &sc__bench_unsafe,  &sc__bench_nowake,
};
const int sc__bench_variant_count =
    (int)(sizeof sc__bench_variants / sizeof sc__bench_variants[0]);

/* A reader that moves the counter's cache line to itself, which is how
 * sc_get() read the counter before it was a plain load. */
static volatile int64_t read_sink;

static int run_locked_read(struct sc_bench_targets *t, uint32_t n)
{
    int64_t *counter = t->shm;

    for (uint32_t i = 0; i < n; i++) {
        int64_t seen = 0;
        __atomic_compare_exchange_n(counter, &seen, 0, 0, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        read_sink = seen;
    }
    return 0;
}

const struct sc_bench_variant sc__bench_locked_read = {
    .name = "locked-read",
    .what = "a compare-exchange of 0 with 0 in a loop, on the shm object",
    .safe = 1,
    .shared = 1,
    .batch = 65536,
    .run = run_locked_read,
    .read = read_shm,
};

/* ---- Gate, clock and atomics ---- */

static void set_gate(struct sc_bench_targets *t, int open)
{
    struct arena *arena = t->arena;

    pthread_mutex_lock(&arena->gate_mutex);
    arena->gate_open = open;
    if (open)
        pthread_cond_broadcast(&arena->gate_opened);
    pthread_mutex_unlock(&arena->gate_mutex);
}

void sc__bench_gate_open(struct sc_bench_targets *t)
{
    set_gate(t, 1);
}

void sc__bench_gate_close(struct sc_bench_targets *t)
{
    set_gate(t, 0);
}

int sc__bench_gate_wait(struct sc_bench_targets *t)
{
    struct arena *arena = t->arena;
    struct timespec deadline;
    int err = 0;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += START_TIMEOUT_MS / 1000;
    pthread_mutex_lock(&arena->gate_mutex);
    while (!arena->gate_open && err == 0)
        err = pthread_cond_timedwait(&arena->gate_opened, &arena->gate_mutex,
                                     &deadline);
    int open = arena->gate_open;
    pthread_mutex_unlock(&arena->gate_mutex);
    errno = err;
    return open ? 0 : -1;
}

int64_t sc__bench_load(const volatile int64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

void sc__bench_store(volatile int64_t *p, int64_t value)
{
    __atomic_store_n(p, value, __ATOMIC_SEQ_CST);
}

/* ---- The workers ---- */

struct worker {
    pid_t pid;
    int to, from;  /* its input, its output */
    char buf[512]; /* what it wrote that is not read yet */
    size_t len;
};

struct sc_bench_pool {
    struct worker workers[SC_BENCH_MAX_PROCS];
    int count;
    pid_t group; /* the workers' process group, led by the first */
    struct sc_bench_targets *targets;
};

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In a new worker: it is killed when the launcher ends, however the
 * launcher ends, holds none of the other workers' pipes (which would hide
 * their ends), and serves until its input ends. */
static void become_worker(struct sc_bench_pool *pool, int in, int out,
                          pid_t launcher)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != launcher)
        _exit(1);
    for (int i = 0; i < pool->count; i++) {
        close(pool->workers[i].to);
        close(pool->workers[i].from);
    }
    FILE *input = fdopen(in, "r"), *output = fdopen(out, "w");
    if (input == NULL || output == NULL)
        _exit(1);
    _exit(sc__bench_serve(pool->targets, input, output));
}

/* Returns 0 or an errno value. */
static int start_worker(struct sc_bench_pool *pool)
{
    int in[2], out[2];
    pid_t launcher = getpid();

    if (pipe2(in, O_CLOEXEC) != 0)
        return errno;
    if (pipe2(out, O_CLOEXEC) != 0) {
        int err = errno;
        close(in[0]);
        close(in[1]);
        return err;
    }
    fflush(NULL); /* or the fork would print it again */
    pid_t pid = fork();
    if (pid == 0) {
        close(in[1]);
        close(out[0]);
        setpgid(0, pool->group);
        become_worker(pool, in[0], out[1], launcher);
    }
    int err = pid < 0 ? errno : 0;
    close(in[0]);
    close(out[1]);
    if (err != 0) {
        close(in[1]);
        close(out[0]);
        return err;
    }
    /* Both set the group, so that it is set before either goes on. */
    setpgid(pid, pool->group);
    if (pool->group == 0)
        pool->group = pid;
    pool->workers[pool->count++] = (struct worker){pid, in[1], out[0], {0}, 0};
    return 0;
}

struct sc_bench_pool *sc__bench_pool_start(struct sc_bench_targets *t,
                                           int count)
{
    struct sc_bench_pool *pool = calloc(1, sizeof *pool);
    int err = pool == NULL ? ENOMEM : 0;

    /* A worker that died makes a write to it fail, not end the launcher. */
    signal(SIGPIPE, SIG_IGN);
    if (pool != NULL)
        pool->targets = t;
    for (int i = 0; i < count && err == 0; i++)
        err = start_worker(pool);
    if (err != 0) {
        sc__bench_error("cannot start the workers: %s", strerror(err));
        if (pool != NULL)
            sc__bench_pool_stop(pool, 1);
        return NULL;
    }
    return pool;
}

int sc__bench_pool_send(struct sc_bench_pool *pool, int i, const char *line)
{
    size_t len = strlen(line), done = 0;

    while (done < len) {
        ssize_t n = write(pool->workers[i].to, line + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return sc__bench_error("worker %d does not listen: %s", i,
                                   strerror(errno));
        done += (size_t)n;
    }
    return 0;
}

/* Reads more of worker w's output into its buffer; 0, or an errno value
 * (EPIPE when it ended, ETIMEDOUT after READ_TIMEOUT_MS). */
static int read_more(struct worker *w)
{
    struct pollfd ready = {w->from, POLLIN, 0};
    int got = poll(&ready, 1, READ_TIMEOUT_MS);

    if (got == 0)
        return ETIMEDOUT;
    if (got < 0)
        return errno == EINTR ? 0 : errno;
    ssize_t n = read(w->from, w->buf + w->len, sizeof w->buf - w->len);
    if (n < 0)
        return errno == EINTR ? 0 : errno;
    if (n == 0)
        return EPIPE;
    w->len += (size_t)n;
    return 0;
}

int sc__bench_pool_read(struct sc_bench_pool *pool, int i, char *line,
                        size_t size)
{
    struct worker *w = &pool->workers[i];
    char *end;
    int err = 0;

    while ((end = memchr(w->buf, '\n', w->len)) == NULL && err == 0)
        err = w->len < sizeof w->buf ? read_more(w) : EMSGSIZE;
    if (err != 0)
        return sc__bench_error("worker %d stopped answering: %s", i,
                               strerror(err));
    size_t line_len = (size_t)(end - w->buf);
    snprintf(line, size, "%.*s", (int)line_len, w->buf);
    w->len -= line_len + 1;
    memmove(w->buf, end + 1, w->len);
    return 0;
}

/* Waits until deadline_ns for worker w to exit; its exit status, 128 + the
 * signal that ended it, or -1 when it did not end in time. */
static int reap(const struct worker *w, int64_t deadline_ns)
{
    int status;
    pid_t done;

    while ((done = waitpid(w->pid, &status, WNOHANG)) == 0 &&
           (int64_t)sc__clock_ns() < deadline_ns)
        sc__sleep_us(1000);
    if (done != w->pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int sc__bench_pool_stop(struct sc_bench_pool *pool, int kill_them)
{
    int64_t deadline =
        (int64_t)sc__clock_ns() + (int64_t)EXIT_TIMEOUT_MS * 1000000;
    int failed = 0;

    sc__bench_gate_open(pool->targets);
    if (kill_them && pool->group > 0)
        kill(-pool->group, SIGKILL);
    for (int i = 0; i < pool->count; i++)
        close_fd(&pool->workers[i].to); /* the end of its input */
    for (int i = 0; i < pool->count; i++) {
        struct worker *w = &pool->workers[i];
        int status = reap(w, deadline);
        if (status < 0) {
            kill(-pool->group, SIGKILL);
            waitpid(w->pid, NULL, 0);
            failed =
                sc__bench_error("worker %d did not end in time; killed", i);
        } else if (status != 0 && !kill_them) {
            failed =
                sc__bench_error("worker %d exited with status %d", i, status);
        }
        close_fd(&w->from);
    }
    free(pool);
    return failed;
}

/* Workers are forked, never started by a command line. */
int sc__bench_worker_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return -1;
}

/* ---- Launching a program ---- */

int sc__bench_launch(const char *program, double *ms)
{
    static const char *const no_args[] = {NULL};
    struct sc_child child;
    struct sc_child_output output;
    int code = 1;
    int64_t start = (int64_t)sc__clock_ns();
    int err = sc__child_start(&child, program, no_args, NULL);

    if (err == ENOENT)
        return -1;
    if (err == 0)
        err = sc__child_finish(&child, sc__clock_ms() + LAUNCH_TIMEOUT_MS,
                               &code, &output);
    *ms = (double)((int64_t)sc__clock_ns() - start) / 1e6;
    if (err == 0)
        sc__child_output_free(&output);
    if (err != 0 || code != 0)
        return sc__bench_error("%s failed: %s, exit status %d", program,
                               err != 0 ? strerror(err) : "it ran", code);
    return 0;
}
