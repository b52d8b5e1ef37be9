/*
 * libsharedcounter.so in processes that start the way daemons, cron jobs
 * and services do: stdin, stdout or stderr closed (each and all), a low
 * RLIMIT_NOFILE, umask 0777, a fork without exec, many threads at load.
 * In each case this program holds the library and checks that the
 * counter, and a named counter beside it, moved by exactly what the child
 * added; where the library must
 * refuse to load, the child says why and the counter does not move.
 *
 * The program re-launches itself:
 *     --in-state STATE PROGRAM ARG...  puts itself in STATE, then runs
 *                          PROGRAM: STATE is a comma-separated list of
 *                          close0, close1, close2, nofile=N and umask=0777
 *     --use LIB DELTA      loads LIB, adds DELTA, prints value lines to
 *                          stdout and stderr, reads stdin to its end
 *     --hold LIB DELTA     loads LIB, adds DELTA, prints the value, waits
 *                          for the end of its input
 *     --fork LIB           adds 5, forks a child that adds 3 without exec,
 *                          then adds 2
 *     --fork-exit LIB      adds 5, forks, and exits at once: the child
 *                          outlives it (see outlive())
 *     --fork-dlclose LIB   adds 5, forks, unloads LIB; the child outlives
 *                          the parent's unload
 *     --double-fork LIB    adds 5, forks a child that forks a grandchild
 *                          and exits; the grandchild outlives both
 *     --fork-again LIB     adds 5, forks a child that adds 3, forks again
 *                          and exits; the grandchild outlives both
 *     --fork-no-proc LIB   adds 5, unmounts /proc in a mount namespace of
 *                          its own, forks a child that adds 3, adds 2
 *     --threads LIB        threads write to stdout while others load LIB
 *                          at once and add 1,000 each
 *
 * A child that outlives its parent says "orphan" once the parent has gone
 * (or "ready" once it has unloaded), reads its input to the end, adds 3
 * (1 after --fork-again) and exits.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

/* The library's own need while it loads: the object and one more. */
enum { LOAD_DESCRIPTORS = 2, FIRST_FREE = 3 };
enum { LOADERS = 16, WRITERS = 4, ADDS_PER_LOADER = 1000 };
/* What a process of the fork cases, or one that loads beside them, may
 * take: a hang in the library fails the test instead of stalling it. */
enum { FORK_CASE_MS = 20000, ORPHANED_WITHIN_US = 10000000 };

static char self_path[4096];
static char clients_dir[4096];

/* The named counter that the children of --use, --hold and --fork add to,
 * as they add to the default one. */
#define NAMED "process_states_total"

/* A named counter of a loaded library, through dlsym. */
struct named {
    int32_t id;
    int64_t (*add)(int32_t id, int64_t delta);
    int64_t (*get)(int32_t id);
};

struct fixture {
    char scratch[64];
    char library[256];
    struct sc_api api;
    struct named named;
};

/* Opens NAMED in the library api has loaded; returns -1 if it cannot. */
static int named_open(const struct sc_api *api, struct named *named)
{
    int32_t (*open_name)(const char *name);

    *(void **)&open_name = dlsym(api->handle, "sc_counter_open");
    *(void **)&named->add = dlsym(api->handle, "sc_counter_add");
    *(void **)&named->get = dlsym(api->handle, "sc_counter_get");
    if (open_name == NULL || named->add == NULL || named->get == NULL)
        return -1;
    named->id = open_name(NAMED);
    return named->id < 0 ? -1 : 0;
}

/* Adds delta to the default counter and to NAMED. */
static int64_t add_both(struct sc_api *api, const struct named *named,
                        int64_t delta)
{
    named->add(named->id, delta);
    return api->add(delta);
}

/* ---- child processes ---------------------------------------------------- */

static int apply_state(char *state)
{
    for (char *item = strtok(state, ","); item != NULL;
         item = strtok(NULL, ",")) {
        struct rlimit limit;
        if (strncmp(item, "close", 5) == 0) {
            close(atoi(item + 5));
        } else if (strncmp(item, "nofile=", 7) == 0) {
            limit.rlim_cur = limit.rlim_max = (rlim_t)atoi(item + 7);
            if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
                return -1;
        } else if (strncmp(item, "umask=", 6) == 0) {
            umask((mode_t)strtol(item + 6, NULL, 8));
        } else {
            return -1;
        }
    }
    return 0;
}

/* What a careless program does with its standard streams, closed or not:
 * any of them that were the library's descriptor would take these bytes
 * into the counter, or hand the counter's bytes to the program. */
static void use_streams(int64_t value)
{
    char c;

    for (int i = 0; i < 64; i++) {
        printf("counter: %lld\n", (long long)value);
        fprintf(stderr, "counter: %lld\n", (long long)value);
    }
    fflush(stdout);
    while (read(0, &c, 1) > 0)
        continue;
}

static int child_fork(struct sc_api *api, const struct named *named)
{
    int status;

    add_both(api, named, 5);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        add_both(api, named, 3);
        _exit(0);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return 1;
    add_both(api, named, 2);
    return 0;
}

/* The fork child that outlives its parent, once the parent (parent_pid)
 * has gone or, with a pipe (ready_fd >= 0), has said so: it tells the test,
 * waits for the end of its input, adds delta and exits normally, leaving
 * the process table before its output ends. */
static _Noreturn void outlive(struct sc_api *api, pid_t parent_pid,
                              int ready_fd, int delta)
{
    char c;
    uint64_t limit = sc__clock_us() + ORPHANED_WITHIN_US;

    if (ready_fd >= 0) {
        if (read(ready_fd, &c, 1) != 1)
            _exit(1);
    } else {
        while (getppid() == parent_pid) {
            if (sc__clock_us() > limit)
                _exit(1);
            sc__sleep_ms(1);
        }
    }
    printf(ready_fd >= 0 ? "ready\n" : "orphan\n");
    fflush(stdout);
    while (read(0, &c, 1) > 0)
        continue;
    api->add(delta);
    exit(0);
}

static int child_fork_exit(struct sc_api *api)
{
    api->add(5);
    fflush(stdout);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        outlive(api, parent, -1, 3);
    return pid < 0;
}

/* The parent unloads the library while its child has it. */
static int child_fork_dlclose(struct sc_api *api)
{
    int ready[2], status;

    api->add(5);
    fflush(stdout);
    if (pipe(ready) != 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0)
        outlive(api, 0, ready[0], 3);
    if (pid < 0 || dlclose(api->handle) != 0 || write(ready[1], "", 1) != 1)
        return 1;
    return waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
           WEXITSTATUS(status) != 0;
}

/* A child that forks and exits at once: the daemon's double fork. With
 * again, the child adds 3 first and its child adds 1. */
static int child_double_fork(struct sc_api *api, int again)
{
    int status;

    api->add(5);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (again)
            api->add(3);
        pid_t middle = getpid(), grandchild = fork();
        if (grandchild == 0)
            outlive(api, middle, -1, again ? 1 : 3);
        _exit(grandchild < 0);
    }
    return pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
           WEXITSTATUS(status) != 0;
}

/* /proc unmounted, as in a container or chroot without it: the child
 * cannot read who it is for the process table, so it is counted in the
 * overflow; it must not keep its parent's place there too. Root only. */
static int child_fork_no_proc(struct sc_api *api)
{
    int status;

    api->add(5);
    if (unshare(CLONE_NEWNS) != 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        umount2("/proc", MNT_DETACH) != 0)
        return 2;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        api->add(3);
        exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return 1;
    api->add(2);
    return 0;
}

static const char *threads_library;
static pthread_barrier_t threads_start;
static volatile int threads_loading;

static void *load_and_add(void *arg)
{
    struct sc_api api;

    (void)arg;
    pthread_barrier_wait(&threads_start);
    sc__api_load(&api, threads_library);
    for (int i = 0; i < ADDS_PER_LOADER; i++)
        api.increment();
    return NULL;
}

static void *write_stdout(void *arg)
{
    static const char line[] = "counter: 4211540152288636771\n";

    (void)arg;
    pthread_barrier_wait(&threads_start);
    while (threads_loading)
        if (write(1, line, sizeof line - 1) < 0)
            continue;
    return NULL;
}

static int child_threads(const char *library)
{
    pthread_t loaders[LOADERS], writers[WRITERS];

    threads_library = library;
    threads_loading = 1;
    pthread_barrier_init(&threads_start, NULL, LOADERS + WRITERS);
    for (int i = 0; i < WRITERS; i++)
        if (pthread_create(&writers[i], NULL, write_stdout, NULL) != 0)
            return 1;
    for (int i = 0; i < LOADERS; i++)
        if (pthread_create(&loaders[i], NULL, load_and_add, NULL) != 0)
            return 1;
    for (int i = 0; i < LOADERS; i++)
        pthread_join(loaders[i], NULL);
    threads_loading = 0;
    for (int i = 0; i < WRITERS; i++)
        pthread_join(writers[i], NULL);
    return 0;
}

static int child_main(int argc, char **argv)
{
    struct sc_api api;
    const char *mode = argv[1];

    if (strcmp(mode, "--in-state") == 0 && argc >= 4) {
        /* Nothing but the standard streams, as a daemon starts: a
         * descriptor inherited from the test runner would take a place
         * under the limit. */
        if (close_range(FIRST_FREE, ~0U, 0) != 0 || apply_state(argv[2]) != 0)
            return 2;
        execv(argv[3], argv + 3);
        return 127;
    }
    if (strcmp(mode, "--threads") == 0)
        return child_threads(argv[2]);
    sc__api_load(&api, argv[2]);
    struct named named;
    if (named_open(&api, &named) != 0)
        return 3;
    if (strcmp(mode, "--fork") == 0)
        return child_fork(&api, &named);
    if (strcmp(mode, "--fork-exit") == 0)
        return child_fork_exit(&api);
    if (strcmp(mode, "--fork-dlclose") == 0)
        return child_fork_dlclose(&api);
    if (strcmp(mode, "--double-fork") == 0)
        return child_double_fork(&api, 0);
    if (strcmp(mode, "--fork-again") == 0)
        return child_double_fork(&api, 1);
    if (strcmp(mode, "--fork-no-proc") == 0)
        return child_fork_no_proc(&api);
    int64_t value = add_both(&api, &named, argc > 3 ? atoll(argv[3]) : 0);
    if (strcmp(mode, "--hold") == 0) {
        printf("%lld\n", (long long)value);
        fflush(stdout);
        use_streams(value);
        return 0;
    }
    use_streams(value);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    sc__test_make_dir(f->scratch, sizeof f->scratch);
    sc__library_copy(f->scratch, "libsharedcounter.so", f->library,
                     sizeof f->library);
    sc__api_load(&f->api, f->library);
    assert_int_equal(named_open(&f->api, &f->named), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    sc__api_unload(&f->api);
    sc__test_remove_dir(f->scratch);
    free(f);
    return 0;
}

/* Runs argv (after the state) in state; returns its exit status and keeps
 * what it wrote to stderr in proc->errors. */
static int run_in_state(struct sc_test_child *proc, const char *state,
                        const char *const argv[])
{
    enum { MAX_ARGS = 12 };
    char *args[MAX_ARGS] = {self_path, "--in-state", (char *)state};
    size_t n = 3;

    for (; argv[n - 3] != NULL; n++) {
        assert_true(n + 1 < MAX_ARGS);
        args[n] = (char *)argv[n - 3];
    }
    args[n] = NULL;
    sc__test_child_start(proc, args);
    sc__test_child_deadline(proc, FORK_CASE_MS);
    return sc__test_child_finish(proc, NULL, 0);
}

/* The child adds delta to f's copy in state and must exit with status;
 * the counter must have moved by exactly moved. */
static void expect_child(struct fixture *f, const char *state, const char *mode,
                         const char *delta, int status, int64_t moved)
{
    struct sc_test_child proc;
    const char *argv[] = {self_path, mode, f->library, delta, NULL};
    int64_t before = f->api.get();
    int64_t named_before = f->named.get(f->named.id);
    int both = strcmp(mode, "--use") == 0 || strcmp(mode, "--hold") == 0 ||
               strcmp(mode, "--fork") == 0;

    int got = run_in_state(&proc, state, argv);
    if (got != status)
        fail_msg("%s %s in state %s: exit %d, not %d; stderr:\n%s", mode, delta,
                 state, got, status, proc.errors);
    assert_int_equal(f->api.get(), sc__wrapping_add(before, moved));
    assert_int_equal(f->api.increment(), sc__wrapping_add(before, moved + 1));
    assert_int_equal(f->named.get(f->named.id),
                     sc__wrapping_add(named_before, both ? moved : 0));
}

static void expect_refused(struct fixture *f, const char *state)
{
    struct sc_test_child proc;
    const char *argv[] = {self_path, "--use", f->library, "5", NULL};
    int64_t before = f->api.get();

    assert_int_equal(run_in_state(&proc, state, argv), 1);
    assert_int_equal(f->api.get(), before);
    assert_non_null(strstr(proc.errors, "Too many open files"));
    assert_non_null(strstr(proc.errors, "descriptors above 2 while it loads"));
    assert_non_null(strstr(proc.errors, "stopping rather than counting alone"));
}

static char *limit_state(char *buf, size_t size, int limit, const char *more)
{
    snprintf(buf, size, "nofile=%d%s", limit, more);
    return buf;
}

/* ---- the matrix --------------------------------------------------------- */

static void stdin_closed(void **state)
{
    expect_child(*state, "close0", "--use", "5", 0, 5);
}

static void stdout_closed(void **state)
{
    expect_child(*state, "close1", "--use", "5", 0, 5);
}

static void stderr_closed(void **state)
{
    expect_child(*state, "close2", "--use", "5", 0, 5);
}

static void all_standard_streams_closed(void **state)
{
    expect_child(*state, "close0,close1,close2", "--use", "5", 0, 5);
}

static void fewest_descriptors_that_load(void **state)
{
    char buf[64];
    int limit = FIRST_FREE + LOAD_DESCRIPTORS;

    expect_child(*state, limit_state(buf, sizeof buf, limit, ""), "--use", "5",
                 0, 5);
    expect_child(*state,
                 limit_state(buf, sizeof buf, limit, ",close0,close1,close2"),
                 "--use", "5", 0, 5);
}

/* One fewer. Below that, the program does not start at all: the dynamic
 * loader needs a descriptor of its own to open the C library. */
static void fewer_descriptors_are_refused(void **state)
{
    char buf[64];
    int limit = FIRST_FREE + LOAD_DESCRIPTORS - 1;

    expect_refused(*state, limit_state(buf, sizeof buf, limit, ""));
    expect_refused(*state, limit_state(buf, sizeof buf, limit, ",close1"));
    expect_refused(*state,
                   limit_state(buf, sizeof buf, limit, ",close0,close1"));
}

/* The first process to load a copy creates its object: mode 0600 whatever
 * the umask, and usable by the next process. */
static void first_user_with_umask_0777(void **state)
{
    struct fixture *f = *state;
    struct sc_test_child proc;
    struct sc_api second;
    struct stat st;
    char fresh[256], object[512], line[64];

    sc__library_copy(f->scratch, "fresh.so", fresh, sizeof fresh);
    sc__object_path(fresh, object, sizeof object);
    char *argv[] = {self_path, "--in-state", "umask=0777", self_path,
                    "--hold",  fresh,        "4",          NULL};
    sc__test_child_start(&proc, argv);
    sc__test_child_line(&proc, line, sizeof line);
    assert_string_equal(line, "4");
    assert_int_equal(stat(object, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    sc__api_load(&second, fresh);
    assert_int_equal(second.get(), 4);
    assert_int_equal(second.add(6), 10);
    assert_int_equal(sc__test_child_finish(&proc, NULL, 0), 0);
    assert_int_equal(second.get(), 10);
    sc__api_unload(&second);
}

static void fork_without_exec(void **state)
{
    expect_child(*state, "", "--fork", NULL, 0, 10);
    expect_child(*state, "close1", "--fork", NULL, 0, 10);
}

/* A fork case whose last process outlives the others: while it does, a new
 * process loads the library and counts at once (none waits for a lock the
 * gone ones held), and every process of the case finishes. The counter
 * moves by exactly moved, the new process's adds included. */
static void expect_outliving(struct fixture *f, const char *mode,
                             const char *said, int64_t moved)
{
    struct sc_test_child proc;
    char line[64];
    char *argv[] = {self_path,    "--in-state", "",  self_path,
                    (char *)mode, f->library,   NULL};
    int64_t before = f->api.get();

    sc__test_child_start(&proc, argv);
    sc__test_child_deadline(&proc, FORK_CASE_MS);
    sc__test_child_line(&proc, line, sizeof line);
    if (strcmp(line, said) != 0)
        fail_msg("%s: \"%s\", not \"%s\"", mode, line, said);
    expect_child(f, "", "--use", "1", 0, 1);
    int status = sc__test_child_finish(&proc, NULL, 0);
    if (status != 0)
        fail_msg("%s: exit %d; stderr:\n%s", mode, status, proc.errors);
    assert_int_equal(f->api.get(), sc__wrapping_add(before, moved + 2));
    assert_int_equal(f->api.processes(NULL, 0), 1);
    expect_child(f, "", "--use", "1", 0, 1);
}

static void fork_then_parent_exits(void **state)
{
    expect_outliving(*state, "--fork-exit", "orphan", 8);
}

static void fork_then_parent_unloads(void **state)
{
    expect_outliving(*state, "--fork-dlclose", "ready", 8);
}

static void double_fork(void **state)
{
    expect_outliving(*state, "--double-fork", "orphan", 8);
}

static void child_that_forks_again(void **state)
{
    expect_outliving(*state, "--fork-again", "orphan", 9);
}

static void fork_without_proc(void **state)
{
    if (!sc__test_private_mounts())
        skip(); /* a mount namespace of its own */
    expect_child(*state, "", "--fork-no-proc", NULL, 0, 10);
    assert_int_equal(((struct fixture *)*state)->api.processes(NULL, 0), 1);
}

static void many_threads_at_load(void **state)
{
    expect_child(*state, "close1", "--threads", NULL, 0,
                 LOADERS * ADDS_PER_LOADER);
}

/* The linked clients, on the built library: its constructor runs before
 * main, in whatever state the program starts. */
static void linked_clients_with_streams_closed(void **state)
{
    struct sc_api built;
    struct sc_test_child proc;
    char worker[4200], client[4200];

    (void)state;
    snprintf(worker, sizeof worker, "%s/counter_worker", clients_dir);
    snprintf(client, sizeof client, "%s/counter_client", clients_dir);
    sc__api_load(&built, SC_LIBRARY_FILE);
    int64_t before = built.get();
    const char *add7[] = {worker, "--times", "7", "--delta", "1", NULL};
    /* It adds, then cannot print its result: a failure a script sees. */
    assert_int_equal(run_in_state(&proc, "close1", add7), 1);
    assert_int_equal(run_in_state(&proc, "close0,close1,close2", add7), 1);
    assert_int_equal(run_in_state(&proc, "close0", add7), 0);
    assert_int_equal(run_in_state(&proc, "close2", add7), 0);
    assert_int_equal(built.get(), sc__wrapping_add(before, 28));
    /* With stdin closed the interactive client has no commands to run. */
    const char *interactive[] = {client, NULL};
    assert_int_equal(run_in_state(&proc, "close0", interactive), 1);
    assert_non_null(strstr(proc.errors, "stdin"));
    assert_int_equal(built.get(), sc__wrapping_add(before, 28));
    sc__api_unload(&built);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strncmp(argv[1], "--", 2) == 0)
        return child_main(argc, argv);
    if (sc__test_self_path(self_path, sizeof self_path) != 0)
        return 1;
    snprintf(clients_dir, sizeof clients_dir, "%s", SC_CLIENTS_DIR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stdin_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(stdout_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(stderr_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(all_standard_streams_closed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fewest_descriptors_that_load, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fewer_descriptors_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(first_user_with_umask_0777, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fork_without_exec, setup, teardown),
        cmocka_unit_test_setup_teardown(fork_then_parent_exits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fork_then_parent_unloads, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(double_fork, setup, teardown),
        cmocka_unit_test_setup_teardown(child_that_forks_again, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fork_without_proc, setup, teardown),
        cmocka_unit_test_setup_teardown(many_threads_at_load, setup, teardown),
        cmocka_unit_test_setup_teardown(linked_clients_with_streams_closed,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
