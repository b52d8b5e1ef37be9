/* The POSIX half of the test support; see support.h. */
#define _GNU_SOURCE

#include "support.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static void *symbol(void *handle, const char *name)
{
    void *address = dlsym(handle, name);

    if (address == NULL) {
        fprintf(stderr, "dlsym %s: %s\n", name, dlerror());
        exit(3);
    }
    return address;
}

void sc__api_load(struct sc_api *api, const char *library)
{
    api->handle = dlopen(library, RTLD_NOW);
    if (api->handle == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        exit(3);
    }
    *(void **)&api->get = symbol(api->handle, "sc_get");
    *(void **)&api->increment = symbol(api->handle, "sc_increment");
    *(void **)&api->add = symbol(api->handle, "sc_add");
    *(void **)&api->processes = symbol(api->handle, "sc_processes");
}

void sc__api_unload(struct sc_api *api)
{
    assert_int_equal(dlclose(api->handle), 0);
    api->handle = NULL;
}

/* ---- threads ------------------------------------------------------------ */

enum { MAX_THREADS = 64 };

struct thread_start {
    void (*run)(void *arg);
    void *arg;
    pthread_barrier_t *go; /* every thread, and the one that starts them */
};

static void *thread_main(void *param)
{
    struct thread_start *start = param;

    pthread_barrier_wait(start->go);
    start->run(start->arg);
    return NULL;
}

void sc__test_threads_run(void (*run)(void *arg), void *args, size_t size,
                          size_t count)
{
    pthread_t threads[MAX_THREADS];
    struct thread_start starts[MAX_THREADS];
    pthread_barrier_t go;

    assert_true(count <= MAX_THREADS);
    assert_int_equal(pthread_barrier_init(&go, NULL, (unsigned)count + 1), 0);
    for (size_t i = 0; i < count; i++) {
        starts[i] = (struct thread_start){run, (char *)args + i * size, &go};
        assert_int_equal(
            pthread_create(&threads[i], NULL, thread_main, &starts[i]), 0);
    }
    pthread_barrier_wait(&go);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    pthread_barrier_destroy(&go);
}

/* ---- a library loaded at run time ---------------------------------------- */

void *sc__test_library_load(const char *path)
{
    return dlopen(path, RTLD_NOW);
}

void *sc__test_library_symbol(void *library, const char *name)
{
    return dlsym(library, name);
}

void sc__test_library_unload(void *library)
{
    dlclose(library);
}

/* ---- scratch folders and copies ------------------------------------------ */

void sc__test_make_dir(char *path, size_t size)
{
    assert_true(size > 24);
    strcpy(path, "/tmp/sc-native-XXXXXX");
    assert_non_null(mkdtemp(path));
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void sc__test_remove_dir(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *sc__library_file(void)
{
    const char *named = getenv("SC_TEST_LIBRARY");

    return named != NULL && named[0] != '\0' ? named : SC_LIBRARY_FILE;
}

void sc__library_copy(const char *dir, const char *name, char *path,
                      size_t size)
{
    assert_true((size_t)snprintf(path, size, "%s/%s", dir, name) < size);
    sc__file_copy(sc__library_file(), path);
}

void sc__file_copy(const char *file, const char *path)
{
    char buffer[65536];
    ssize_t got;

    int from = open(file, O_RDONLY | O_CLOEXEC);
    int to = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    assert_true(from >= 0 && to >= 0);
    while ((got = read(from, buffer, sizeof buffer)) > 0)
        assert_int_equal(write(to, buffer, (size_t)got), got);
    assert_int_equal(got, 0);
    close(from);
    assert_int_equal(close(to), 0);
}

void sc__object_path(const char *path, char *object, size_t size)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    snprintf(object, size, "/dev/shm/sharedcounter-%jx-%jx-%ju",
             (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (uintmax_t)geteuid());
}

int sc__file_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

uint32_t sc__test_pid(void)
{
    return (uint32_t)getpid();
}

int sc__test_self_path(char *path, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", path, size - 1);

    if (n <= 0 || (size_t)n >= size - 1)
        return -1;
    path[n] = '\0';
    return 0;
}

int sc__test_private_mounts(void)
{
    int status;
    pid_t pid = fork();

    if (pid == 0)
        _exit(geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
                      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0
                  ? 0
                  : 1);
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

/* The process groups of the children started and not yet finished. A case
 * that fails on an assertion leaves its children behind, and cmocka goes on
 * with the next case: they are killed when this program exits, so that
 * none outlives it (a --spin child would run for ever), nor what they
 * started themselves. */
enum { TRACKED_GROUPS = 256 };
static pid_t live_groups[TRACKED_GROUPS];
static pid_t tracker; /* the process whose children these are */

/* A fork child of the test that exits leaves the test's children alone. */
static void kill_live_groups(void)
{
    if (getpid() != tracker)
        return;
    for (int i = 0; i < TRACKED_GROUPS; i++)
        if (live_groups[i] > 0)
            kill(-live_groups[i], SIGKILL);
}

/* Writes group into the entry that holds was (0: a free one), if any. */
static void track_group(pid_t was, pid_t group)
{
    if (tracker == 0 && atexit(kill_live_groups) == 0)
        tracker = getpid();
    for (int i = 0; i < TRACKED_GROUPS; i++) {
        if (live_groups[i] == was) {
            live_groups[i] = group;
            return;
        }
    }
}

/* In the child, between vfork and exec: system calls only, on the
 * parent's memory, while the parent waits, as in posix_spawn's own child.
 * PR_SET_PDEATHSIG outlives the exec; the parent's pid, read before the
 * vfork, tells whether the parent ended before the request. A failed exec
 * leaves its errno in *error. */
static _Noreturn void exec_child(char *const argv[], pid_t parent,
                                 const int fds[3], volatile int *error)
{
    if (setpgid(0, 0) == 0 && prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 &&
        getppid() == parent && dup2(fds[0], 0) == 0 && dup2(fds[1], 1) == 1 &&
        dup2(fds[2], 2) == 2)
        execv(argv[0], argv);
    *error = errno != 0 ? errno : ESRCH;
    _exit(127);
}

/* The child leads a process group of its own, which its forks join: a
 * test that gives up on it kills them all at once. The kernel kills the
 * child when this process ends, however it ends (a CTest timeout
 * included): the tests start their children from their main thread, whose
 * end the request watches. vfork, not fork: a fork child would run the
 * library's fork handlers, which enter it into the process table. */
void sc__test_child_start(struct sc_test_child *child, char *const argv[])
{
    int in[2], out[2], err[2];
    volatile int error = 0;
    pid_t parent = getpid();

    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    assert_int_equal(pipe2(err, O_CLOEXEC), 0);
    const int fds[3] = {in[0], out[1], err[1]};
    child->pid = vfork();
    if (child->pid == 0)
        exec_child(argv, parent, fds, &error);
    int failed = child->pid < 0 ? errno : error;
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (failed != 0) {
        if (child->pid > 0)
            waitpid(child->pid, NULL, 0);
        fail_msg("cannot run %s: %s", argv[0], strerror(failed));
    }
    track_group(0, child->pid);
    child->in = in[1];
    child->out = out[0];
    child->err = err[0];
    child->errors[0] = '\0';
    child->deadline_us =
        sc__clock_us() + (uint64_t)SC_TEST_CHILD_TIMEOUT_MS * 1000;
}

void sc__test_child_deadline(struct sc_test_child *child, unsigned ms)
{
    child->deadline_us = sc__clock_us() + (uint64_t)ms * 1000;
}

/* Kills the child and its process group, and fails the test. */
static void give_up(struct sc_test_child *child, const char *waiting_for)
{
    int status;

    kill(-child->pid, SIGKILL);
    waitpid(child->pid, &status, 0);
    track_group(child->pid, 0);
    fail_msg("child %ld: no %s by its deadline; killed with its process group",
             (long)child->pid, waiting_for);
}

/* Waits until fd can be read, or gives the child up at its deadline. */
static void await_input(struct sc_test_child *child, int fd,
                        const char *waiting_for)
{
    struct pollfd ready = {fd, POLLIN, 0};

    for (;;) {
        uint64_t now = sc__clock_us();
        if (now >= child->deadline_us)
            give_up(child, waiting_for);
        uint64_t left_ms = (child->deadline_us - now + 999) / 1000;
        int got = poll(&ready, 1, left_ms > INT_MAX ? INT_MAX : (int)left_ms);
        if (got > 0)
            return;
        if (got < 0 && errno != EINTR)
            fail_msg("poll: %s", strerror(errno));
    }
}

void sc__test_child_start_in(struct sc_test_child *child, const char *dir,
                             const char *name, ...)
{
    if (dir == NULL)
        dir = SC_PROGRAMS_DIR;
    enum { MAX_ARGS = 12 };
    char path[4096];
    char *argv[MAX_ARGS] = {path};
    va_list args;
    size_t n = 1;

    assert_true((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) <
                sizeof path);
    va_start(args, name);
    while (n + 1 < MAX_ARGS && (argv[n] = va_arg(args, char *)) != NULL)
        n++;
    va_end(args);
    argv[n] = NULL;
    sc__test_child_start(child, argv);
}

uint32_t sc__test_child_pid(const struct sc_test_child *child)
{
    return (uint32_t)child->pid;
}

void sc__test_child_kill(struct sc_test_child *child)
{
    assert_int_equal(kill(child->pid, SIGKILL), 0);
}

/* WNOWAIT leaves the child to sc__test_child_finish(). */
int sc__test_child_ended(struct sc_test_child *child, unsigned ms)
{
    uint64_t end = sc__clock_ms() + ms;

    for (;;) {
        siginfo_t info = {0};
        if (waitid(P_PID, (id_t)child->pid, &info,
                   WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid != 0)
            return 1;
        if (sc__clock_ms() >= end)
            return 0;
        sc__sleep_ms(1);
    }
}

void sc__test_child_line(struct sc_test_child *child, char *line, size_t size)
{
    size_t used = 0;
    char c;

    for (;;) {
        await_input(child, child->out, "line");
        if (read(child->out, &c, 1) != 1 || c == '\n')
            break;
        if (used + 1 < size)
            line[used++] = c;
    }
    line[used] = '\0';
}

static void read_all(struct sc_test_child *child, int fd, char *text,
                     size_t size)
{
    size_t used = 0;
    ssize_t got;
    char scratch[4096];

    for (;;) {
        char *into = used + 1 < size ? text + used : scratch;
        size_t room = used + 1 < size ? size - 1 - used : sizeof scratch;
        await_input(child, fd, "end of output");
        got = read(fd, into, room);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if (into != scratch)
            used += (size_t)got;
    }
    if (size > 0)
        text[used] = '\0';
}

int sc__test_child_finish(struct sc_test_child *child, char *rest, size_t size)
{
    int status;
    char ignored[256];

    if (child->in >= 0)
        close(child->in);
    if (rest != NULL)
        read_all(child, child->out, rest, size);
    else
        read_all(child, child->out, ignored, sizeof ignored);
    close(child->out);
    read_all(child, child->err, child->errors, sizeof child->errors);
    close(child->err);
    while (waitpid(child->pid, &status, WNOHANG) == 0) {
        if (sc__clock_us() >= child->deadline_us)
            give_up(child, "exit");
        sc__sleep_ms(1);
    }
    /* Whatever it left behind in its group goes with it. */
    kill(-child->pid, SIGKILL);
    track_group(child->pid, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- this program again, as a child -------------------------------------- */

void sc__self_start(struct sc_self_child *p, const char *args)
{
    enum { MAX_ARGS = 12 };
    static char self[4096];
    char copy[8192], *argv[MAX_ARGS] = {self};
    size_t n = 1;

    if (self[0] == '\0')
        assert_int_equal(sc__test_self_path(self, sizeof self), 0);
    assert_true((size_t)snprintf(copy, sizeof copy, "%s", args) < sizeof copy);
    for (char *arg = strtok(copy, " "); arg != NULL; arg = strtok(NULL, " ")) {
        assert_true(n + 1 < MAX_ARGS);
        argv[n++] = arg;
    }
    argv[n] = NULL;
    sc__test_child_start(&p->child, argv);
}

uint32_t sc__self_pid(const struct sc_self_child *p)
{
    return (uint32_t)p->child.pid;
}

void sc__self_line(struct sc_self_child *p, char *line, size_t size)
{
    sc__test_child_line(&p->child, line, size);
}

void sc__self_send(struct sc_self_child *p, const char *line)
{
    size_t length = strlen(line);
    assert_int_equal(write(p->child.in, line, length), (ssize_t)length);
}

void sc__self_within(struct sc_self_child *p, unsigned ms)
{
    sc__test_child_deadline(&p->child, ms);
}

int sc__self_finish(struct sc_self_child *p, char *out, size_t size)
{
    int status = sc__test_child_finish(&p->child, out, size);
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s", p->child.errors);
    return status;
}

void sc__self_kill(struct sc_self_child *p)
{
    sc__test_child_kill(&p->child);
    assert_int_equal(sc__test_child_finish(&p->child, NULL, 0), 128 + SIGKILL);
}

void sc__self_set_flag(const char *name, int on)
{
    assert_int_equal(on ? setenv(name, "1", 1) : unsetenv(name), 0);
}
