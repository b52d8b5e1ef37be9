/*
 * libsharedcounter.so across processes, on copies of the library in a
 * scratch folder: linearizable with K = 2, 8 and 32 processes, exact
 * sc_processes after kill -9, the init race, copies and hard links, the
 * lifetime after a normal exit and after kill -9 of every process, fork,
 * dlopen cycles, the Python example beside a C process and its worker pool
 * through counter_export, other users' squatters on the object's names, which
 * the library steps past, and every condition under which the counter cannot be
 * shared, which must stop the process with a message.
 *
 * The program re-launches itself as the child processes:
 *     --add LIB DELTA      loads LIB, adds DELTA, prints the new value
 *     --hold LIB DELTA     the same, then waits for the end of its input
 *     --spin LIB           prints "ready", then increments until killed
 *     --run LIB N FILE     prints "ready", waits for the end of its input,
 *                          increments N times or more and writes the values
 *                          to FILE
 *     --race LIB           waits for one byte, loads LIB, increments,
 *                          prints the value, waits for the end of its input
 *     --fork-exec LIB      loads LIB, forks a child that execs --count LIB
 *     --count LIB          loads LIB, prints how many processes have it
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

enum { MAX_PROCS = 32 };

static char self_path[4096];
static char scratch[64];
static char library[256];

/* ---- child processes ---------------------------------------------------- */

static void wait_for_eof(void)
{
    char c;

    while (read(0, &c, 1) > 0)
        continue;
}

/* Goes on past ops increments, up to twenty times as many, until it has
 * seen another process's increment between two of its own: a scheduler
 * that runs the processes one after the other cannot hide the test. */
static int child_run(const char *lib, long ops, const char *file)
{
    struct sc_api api;
    long cap = ops * 20, done = 0;
    int64_t *values = malloc((size_t)cap * sizeof *values);
    int interleaved = 0;

    if (values == NULL)
        return 1;
    sc__api_load(&api, lib);
    printf("ready\n");
    fflush(stdout);
    wait_for_eof();
    while (done < ops || (!interleaved && done < cap)) {
        values[done] = api.increment();
        interleaved |= done > 0 && values[done] != values[done - 1] + 1;
        done++;
    }
    FILE *out = fopen(file, "wb");
    if (out == NULL ||
        fwrite(values, sizeof *values, (size_t)done, out) != (size_t)done ||
        fclose(out) != 0)
        return 1;
    return 0;
}

/* Forks, and the child execs this program to count the processes that
 * have the library: a process that exec()s keeps its id and creation
 * time, so the library must not count the same process twice. */
static int child_fork_exec(const char *lib)
{
    int status;

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "test_native_processes", "--count", lib,
              (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return 1;
    return WEXITSTATUS(status);
}

static int child_main(int argc, char **argv)
{
    struct sc_api api;
    const char *mode = argv[1], *lib = argv[2];
    char c;

    if (strcmp(mode, "--run") == 0 && argc == 5)
        return child_run(lib, atol(argv[3]), argv[4]);
    if (strcmp(mode, "--race") == 0) {
        if (read(0, &c, 1) != 1)
            return 1;
        sc__api_load(&api, lib);
        printf("%lld\n", (long long)api.increment());
        fflush(stdout);
        wait_for_eof();
        return 0;
    }
    sc__api_load(&api, lib);
    if (strcmp(mode, "--fork-exec") == 0)
        return child_fork_exec(lib);
    if (strcmp(mode, "--count") == 0) {
        printf("%u\n", api.processes(NULL, 0));
        return 0;
    }
    if (strcmp(mode, "--spin") == 0) {
        printf("ready\n");
        fflush(stdout);
        for (;;)
            api.increment();
    }
    printf("%lld\n", (long long)api.add(argc > 3 ? atoll(argv[3]) : 0));
    fflush(stdout);
    if (strcmp(mode, "--hold") == 0)
        wait_for_eof();
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static void start(struct sc_test_child *proc, const char *mode, const char *lib,
                  const char *arg)
{
    char *argv[] = {self_path, (char *)mode, (char *)lib, (char *)arg, NULL};

    sc__test_child_start(proc, argv);
}

/* The value a --add child printed; its exit status must be 0. */
static long long add_in_child(const char *lib, const char *delta)
{
    struct sc_test_child proc;
    char out[64];

    start(&proc, "--add", lib, delta);
    int status = sc__test_child_finish(&proc, out, sizeof out);
    if (status != 0)
        fail_msg("--add %s exited with %d: %s", lib, status, proc.errors);
    return atoll(out);
}

static long long hold_in_child(struct sc_test_child *proc, const char *lib,
                               const char *delta)
{
    char line[64];

    start(proc, "--hold", lib, delta);
    sc__test_child_line(proc, line, sizeof line);
    assert_true(line[0] != '\0');
    return atoll(line);
}

static void finish_ok(struct sc_test_child *proc)
{
    int status = sc__test_child_finish(proc, NULL, 0);
    if (status != 0)
        fail_msg("a child exited with %d: %s", status, proc->errors);
}

static int setup(void **state)
{
    (void)state;
    sc__test_make_dir(scratch, sizeof scratch);
    sc__library_copy(scratch, "libsharedcounter.so", library, sizeof library);
    return 0;
}

static int teardown(void **state)
{
    char object[256];

    (void)state;
    sc__object_path(library, object, sizeof object);
    unlink(object);
    sc__test_remove_dir(scratch);
    return 0;
}

/* ---- linearizable ------------------------------------------------------- */

static int by_value(const void *a, const void *b)
{
    int64_t x = ((const int64_t *)a)[0], y = ((const int64_t *)b)[0];
    return (x > y) - (x < y);
}

/* Reads the values process p recorded; returns how many. */
static size_t read_values(int p, int64_t **values)
{
    char file[300];
    struct stat st;

    snprintf(file, sizeof file, "%s/values.%d", scratch, p);
    FILE *in = fopen(file, "rb");
    assert_non_null(in);
    assert_int_equal(fstat(fileno(in), &st), 0);
    size_t count = (size_t)st.st_size / sizeof **values;
    *values = malloc(count * sizeof **values + 1);
    assert_non_null(*values);
    assert_int_equal(fread(*values, sizeof **values, count, in), count);
    fclose(in);
    return count;
}

/* Every increment returned a value from before + 1 to after, each exactly
 * once; the values of one process rise. Returns how often the sorted
 * values change from one process to another: the interleaving. */
static long check_runs(int k, int64_t before, int64_t after)
{
    int64_t(*all)[2] = NULL;
    size_t total = 0;

    for (int p = 0; p < k; p++) {
        int64_t *values;
        size_t count = read_values(p, &values);
        all = realloc(all, sizeof *all * (total + count));
        assert_non_null(all);
        for (size_t i = 0; i < count; i++) {
            assert_true(values[i] > (i > 0 ? values[i - 1] : before));
            all[total + i][0] = values[i];
            all[total + i][1] = p;
        }
        total += count;
        free(values);
    }
    qsort(all, total, sizeof *all, by_value);
    long handovers = 0;
    for (size_t i = 0; i < total; i++) {
        int64_t due = before + 1 + (int64_t)i;
        if (all[i][0] != due)
            fail_msg("value %lld where %lld was due: %s", (long long)all[i][0],
                     (long long)due,
                     all[i][0] < due ? "seen twice" : "an update lost");
        handovers += i > 0 && all[i][1] != all[i - 1][1];
    }
    assert_int_equal(after, before + (int64_t)total);
    free(all);
    return handovers;
}

/* Fewer increments each for more processes: enough for them to overlap. */
static void linearizable(int k, long ops)
{
    struct sc_test_child procs[MAX_PROCS];
    struct sc_api api;
    char ops_text[32], file[300], line[64];

    sc__api_load(&api, library);
    snprintf(ops_text, sizeof ops_text, "%ld", ops);
    for (int p = 0; p < k; p++) {
        snprintf(file, sizeof file, "%s/values.%d", scratch, p);
        char *argv[] = {self_path, "--run", library, ops_text, file, NULL};
        sc__test_child_start(&procs[p], argv);
    }
    for (int p = 0; p < k; p++) {
        sc__test_child_line(&procs[p], line, sizeof line);
        assert_string_equal(line, "ready");
    }
    int64_t before = api.get();
    for (int p = 0; p < k; p++) {
        close(procs[p].in);
        procs[p].in = -1;
    }
    for (int p = 0; p < k; p++)
        finish_ok(&procs[p]);
    long handovers = check_runs(k, before, api.get());
    print_message("%d processes x %ld or more increments: %ld handovers\n", k,
                  ops, handovers);
    assert_true(handovers > 0);
    sc__api_unload(&api);
}

static void linearizable_with_2_processes(void **state)
{
    (void)state;
    linearizable(2, 200000);
}

static void linearizable_with_8_processes(void **state)
{
    (void)state;
    linearizable(8, 100000);
}

static void linearizable_with_32_processes(void **state)
{
    (void)state;
    linearizable(32, 20000);
}

/* ---- kill -9 and sc_processes -------------------------------------------- */

static int listed(const uint32_t *pids, uint32_t count, pid_t pid)
{
    for (uint32_t i = 0; i < count; i++)
        if (pids[i] == (uint32_t)pid)
            return 1;
    return 0;
}

static void processes_exact_after_kill_9_mid_run(void **state)
{
    enum { K = 8 };
    struct sc_test_child procs[K];
    struct sc_api api;
    uint32_t pids[64];
    char line[64];

    (void)state;
    sc__api_load(&api, library);
    for (int p = 0; p < K; p++) {
        start(&procs[p], "--spin", library, NULL);
        sc__test_child_line(&procs[p], line, sizeof line);
        assert_string_equal(line, "ready");
    }
    assert_int_equal(api.processes(pids, 64), K + 1);
    for (int p = 0; p < K; p += 2) {
        kill(procs[p].pid, SIGKILL);
        assert_int_equal(sc__test_child_finish(&procs[p], NULL, 0),
                         128 + SIGKILL);
    }
    uint32_t count = api.processes(pids, 64);
    assert_int_equal(count, K / 2 + 1);
    assert_true(listed(pids, count, getpid()));
    for (int p = 0; p < K; p++)
        assert_int_equal(listed(pids, count, procs[p].pid), p % 2 == 1);
    for (int p = 1; p < K; p += 2) {
        kill(procs[p].pid, SIGKILL);
        sc__test_child_finish(&procs[p], NULL, 0);
    }
    int64_t after = api.get();
    assert_int_equal(api.processes(pids, 64), 1);
    assert_int_equal(api.increment(), after + 1);
    sc__api_unload(&api);
}

/* ---- the init race ------------------------------------------------------- */

/* 32 processes load a library no one has loaded yet at the same moment:
 * exactly one initializes, so the 32 increments give 1 to 32. */
static void init_race_of_32_processes(void **state)
{
    struct sc_test_child procs[MAX_PROCS];
    int seen[MAX_PROCS + 1] = {0};
    char line[64];

    (void)state;
    for (int p = 0; p < MAX_PROCS; p++)
        start(&procs[p], "--race", library, NULL);
    for (int p = 0; p < MAX_PROCS; p++)
        assert_int_equal(write(procs[p].in, "g", 1), 1);
    for (int p = 0; p < MAX_PROCS; p++) {
        sc__test_child_line(&procs[p], line, sizeof line);
        long long v = atoll(line);
        if (v < 1 || v > MAX_PROCS || seen[v]++)
            fail_msg("process %d saw %s", p, line);
    }
    for (int p = 0; p < MAX_PROCS; p++)
        finish_ok(&procs[p]);
}

/* ---- per file, lifetime -------------------------------------------------- */

static void hard_link_shares_and_copy_does_not(void **state)
{
    char link_path[300], copy[300];
    struct sc_test_child holder;

    (void)state;
    snprintf(link_path, sizeof link_path, "%s/hardlink.so", scratch);
    assert_int_equal(link(library, link_path), 0);
    sc__library_copy(scratch, "copy.so", copy, sizeof copy);
    assert_int_equal(hold_in_child(&holder, library, "10"), 10);
    assert_int_equal(add_in_child(link_path, "1"), 11);
    assert_int_equal(add_in_child(copy, "1"), 1);
    finish_ok(&holder);
}

static void value_restarts_after_the_last_normal_exit(void **state)
{
    char object[256];

    (void)state;
    sc__object_path(library, object, sizeof object);
    assert_int_equal(add_in_child(library, "5"), 5);
    assert_false(sc__file_exists(object));
    assert_int_equal(add_in_child(library, "5"), 5);
    assert_false(sc__file_exists(object));
}

static void value_restarts_after_kill_9_of_all(void **state)
{
    struct sc_test_child procs[3];
    char object[256];

    (void)state;
    sc__object_path(library, object, sizeof object);
    for (int p = 0; p < 3; p++)
        assert_int_equal(hold_in_child(&procs[p], library, "7"), 7 * (p + 1));
    for (int p = 0; p < 3; p++) {
        kill(procs[p].pid, SIGKILL);
        sc__test_child_finish(&procs[p], NULL, 0);
    }
    /* The name stays behind a kill, but no one holds it: a fresh start. */
    assert_true(sc__file_exists(object));
    assert_int_equal(add_in_child(library, "5"), 5);
    assert_false(sc__file_exists(object));
}

/* ---- fork and dlopen ----------------------------------------------------- */

static void fork_child_shares_as_a_user(void **state)
{
    struct sc_api api;
    char object[256];
    int status;

    (void)state;
    sc__object_path(library, object, sizeof object);
    sc__api_load(&api, library);
    int64_t before = api.get();
    fflush(stdout);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        int ok = api.add(5) == before + 5 && api.processes(NULL, 0) == 2;
        exit(ok ? 0 : 1);
    }
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(api.get(), before + 5);
    /* The child's normal exit left the object to the parent. */
    assert_true(sc__file_exists(object));
    assert_int_equal(api.processes(NULL, 0), 1);
    assert_int_equal(add_in_child(library, "1"), before + 6);
    sc__api_unload(&api);
    assert_false(sc__file_exists(object));
}

/* More fork children than the table has slots come and go, each ending
 * with _exit(), which leaves the table no goodbye, and nobody lists the
 * table meanwhile: the children that come when it is full take the slots
 * of those that have ended, and none stays counted. */
static void ended_processes_never_fill_the_table(void **state)
{
    enum { CHILDREN = SC_PROCESS_SLOTS + 100 };
    struct sc_api api;
    int status;

    (void)state;
    sc__api_load(&api, library);
    for (int i = 0; i < CHILDREN; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
    }
    assert_int_equal(api.processes(NULL, 0), 1);
    sc__api_unload(&api);
}

/* The test, the child that forks, and its fork after exec(): three. */
static void fork_then_exec_counts_each_process_once(void **state)
{
    struct sc_api api;
    struct sc_test_child proc;
    char out[64];

    (void)state;
    sc__api_load(&api, library);
    start(&proc, "--fork-exec", library, NULL);
    int status = sc__test_child_finish(&proc, out, sizeof out);
    if (status != 0)
        fail_msg("the child exited with %d: %s", status, proc.errors);
    assert_string_equal(out, "3\n");
    assert_int_equal(api.processes(NULL, 0), 1);
    sc__api_unload(&api);
}

static void dlopen_dlclose_cycles(void **state)
{
    struct sc_api api;
    struct sc_test_child holder;
    char object[256];

    (void)state;
    sc__object_path(library, object, sizeof object);
    for (int i = 0; i < 5; i++) {
        sc__api_load(&api, library);
        assert_int_equal(api.add(3), 3);
        sc__api_unload(&api);
        assert_false(sc__file_exists(object));
    }
    assert_int_equal(hold_in_child(&holder, library, "100"), 100);
    for (int i = 1; i <= 5; i++) {
        sc__api_load(&api, library);
        assert_int_equal(api.add(1), 100 + i);
        assert_int_equal(api.processes(NULL, 0), 2);
        sc__api_unload(&api);
    }
    finish_ok(&holder);
    assert_false(sc__file_exists(object));
}

/* ---- an executable's own section ---------------------------------------- */

static long long run_exe(struct sc_test_child *proc, const char *exe,
                         const char *delta, int hold)
{
    char *argv[] = {(char *)exe, (char *)delta, hold ? "--hold" : NULL, NULL};
    char line[64];

    sc__test_child_start(proc, argv);
    sc__test_child_line(proc, line, sizeof line);
    assert_true(line[0] != '\0');
    return atoll(line);
}

/* Processes started from the same executable share its SC_SHARED
 * variable; a copy of the executable has its own. */
static void executable_shares_its_own_section(void **state)
{
    struct sc_test_child holder, other, copy;
    char copy_path[300];

    (void)state;
    snprintf(copy_path, sizeof copy_path, "%s/support_shared_exe", scratch);
    sc__file_copy(SC_SHARED_EXE, copy_path);
    assert_int_equal(run_exe(&holder, SC_SHARED_EXE, "10", 1), 10);
    assert_int_equal(run_exe(&other, SC_SHARED_EXE, "5", 0), 15);
    finish_ok(&other);
    assert_int_equal(run_exe(&copy, copy_path, "1", 0), 1);
    finish_ok(&copy);
    finish_ok(&holder);
    assert_int_equal(run_exe(&other, SC_SHARED_EXE, "5", 0), 5);
    finish_ok(&other);
}

/* ---- other languages ----------------------------------------------------- */

/* examples/python/counter.py adds to the counter a C process holds, looks
 * once for a change (none), and the C side sees its add after Python has
 * gone. */
static void python_example_shares_with_a_c_client(void **state)
{
#ifdef SC_PYTHON
    struct sc_test_child holder, python;
    char out[512], expected[64];

    (void)state;
    assert_int_equal(hold_in_child(&holder, library, "10"), 10);
    char *argv[] = {
        SC_PYTHON, SC_PYTHON_EXAMPLE, "--library", library, "--add", "5", NULL};
    sc__test_child_start(&python, argv);
    int status = sc__test_child_finish(&python, out, sizeof out);
    if (status != 0)
        fail_msg("counter.py exited with %d: %s", status, python.errors);
    assert_non_null(strstr(out, "counter: 10\ncounter: 15\n"));
    snprintf(expected, sizeof expected, "processes: 2 (pids %d %d)\n",
             holder.pid < python.pid ? holder.pid : python.pid,
             holder.pid < python.pid ? python.pid : holder.pid);
    assert_non_null(strstr(out, expected));
    assert_non_null(strstr(out, "sc_wait: timed out, 15 -> 15\n"));
    assert_int_equal(add_in_child(library, "0"), 15);
    finish_ok(&holder);
#else
    (void)state;
    skip(); /* no python3 when the tree was configured */
#endif
}

/* examples/python/counter.py --pool: four worker processes count 2,000
 * requests in three named counters of the library a C process holds, and
 * counter_export, loading the same file, prints each code's exact total:
 * 500 for request numbers 99 mod 100, 404 for the other 9 mod 10, 200 for
 * the rest (examples/python/README.md). */
static void python_pool_counts_exactly_through_counter_export(void **state)
{
#ifdef SC_PYTHON
    enum { REQUESTS = 2000 };
    static const char *const codes[] = {"200", "404", "500"};
    struct sc_test_child holder, python, export;
    char soname[300], out[4096], line[128];
    long totals[3] = {0, 0, 0};

    (void)state;
    for (long r = 0; r < REQUESTS; r++)
        totals[r % 100 == 99 ? 2 : r % 10 == 9 ? 1 : 0]++;
    assert_int_equal(hold_in_child(&holder, library, "0"), 0);
    char *argv[] = {
        SC_PYTHON, SC_PYTHON_EXAMPLE, "--library", library, "--pool",
        "4",       "--requests",      "2000",      NULL};
    sc__test_child_start(&python, argv);
    int status = sc__test_child_finish(&python, out, sizeof out);
    if (status != 0)
        fail_msg("counter.py --pool exited with %d: %s", status, python.errors);
    sc__test_assert_contains(out, "pool: 4 workers handled 2000 requests\n");
    /* counter_export finds the library by its soname: a hard link to the
     * copy, which shares its table, in the folder LD_LIBRARY_PATH names. */
    snprintf(soname, sizeof soname, "%s/libsharedcounter.so.0", scratch);
    assert_int_equal(link(library, soname), 0);
    assert_int_equal(setenv("LD_LIBRARY_PATH", scratch, 1), 0);
    sc__test_child_start_in(&export, SC_CLIENTS_DIR, "counter_export", NULL);
    unsetenv("LD_LIBRARY_PATH");
    status = sc__test_child_finish(&export, out, sizeof out);
    if (status != 0)
        fail_msg("counter_export exited with %d: %s", status, export.errors);
    sc__test_assert_contains(out, "# TYPE app_requests_total counter\n");
    for (int c = 0; c < 3; c++) {
        snprintf(line, sizeof line, "\napp_requests_total{code=\"%s\"} %ld\n",
                 codes[c], totals[c]);
        sc__test_assert_contains(out, line);
    }
    /* The pool's workers have gone; the holder and counter_export remain. */
    sc__test_assert_contains(out, "\nsharedcounter_processes 2\n");
    finish_ok(&holder);
#else
    (void)state;
    skip(); /* no python3 when the tree was configured */
#endif
}

/* ---- what cannot be shared ----------------------------------------------- */

/* A --add child must exit with 1 and say why on stderr. */
static void assert_refused(char *const argv[], const char *why)
{
    struct sc_test_child proc;
    char out[64];

    sc__test_child_start(&proc, argv);
    int status = sc__test_child_finish(&proc, out, sizeof out);
    print_message("%s", proc.errors);
    assert_int_equal(status, 1);
    assert_string_equal(out, "");
    if (strstr(proc.errors, why) == NULL ||
        strstr(proc.errors, "stopping rather than counting alone") == NULL)
        fail_msg("stderr does not say \"%s\": %s", why, proc.errors);
}

/* The object's name number index: the first, or a later one that the
 * library steps on to when another user holds the earlier ones. */
static void object_name(char *object, size_t size, int index)
{
    sc__object_path(library, object, size);
    if (index > 0)
        snprintf(object + strlen(object), size - strlen(object), ".%d", index);
}

static void squat(int index, mode_t mode, uid_t owner)
{
    char object[256];

    object_name(object, sizeof object, index);
    int fd = open(object, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(fchmod(fd, mode), 0);
    if (owner != geteuid())
        assert_int_equal(fchown(fd, owner, (gid_t)-1), 0);
    close(fd);
}

static void unsquat(int index)
{
    char object[256];

    object_name(object, sizeof object, index);
    unlink(object);
}

static void squatter_with_another_mode_is_refused(void **state)
{
    char *argv[] = {self_path, "--add", library, "1", NULL};

    (void)state;
    squat(0, 0644, geteuid());
    assert_refused(argv, "has mode 0644, not 0600");
    unsquat(0);
}

/* Another user (nobody) holds the first name, as anyone can in /dev/shm:
 * this user's processes step past it to the next, and share there; they
 * keep finding it there once the squatter has gone, while they use it.
 * Root only: only root can make a file another user owns. */
static void squatter_of_another_user_is_stepped_past(void **state)
{
    struct sc_test_child holder;
    struct stat st;
    char next[256];

    (void)state;
    if (geteuid() != 0)
        skip();
    squat(0, 0600, 65534);
    assert_int_equal(hold_in_child(&holder, library, "10"), 10);
    object_name(next, sizeof next, 1);
    assert_int_equal(stat(next, &st), 0);
    assert_int_equal(st.st_uid, geteuid());
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(add_in_child(library, "5"), 15);
    unsquat(0);
    assert_int_equal(add_in_child(library, "1"), 16);
    finish_ok(&holder);
    assert_false(sc__file_exists(next));
}

/* A name that is not a plain file of this user's, such as a symbolic link
 * that anyone could have made point anywhere, is stepped past too. */
static void name_that_is_not_a_file_is_stepped_past(void **state)
{
    struct sc_test_child holder;
    char first[256];

    (void)state;
    object_name(first, sizeof first, 0);
    assert_int_equal(symlink("/dev/null", first), 0);
    assert_int_equal(hold_in_child(&holder, library, "10"), 10);
    assert_int_equal(add_in_child(library, "5"), 15);
    finish_ok(&holder);
    unsquat(0);
}

/* With every name held by others, the library stops the process and says
 * so: there is nowhere left to share. */
static void every_name_squatted_is_refused(void **state)
{
    enum { NAMES = 64 };
    char *argv[] = {self_path, "--add", library, "1", NULL};

    (void)state;
    if (geteuid() != 0)
        skip();
    for (int index = 0; index < NAMES; index++)
        squat(index, 0600, 65534);
    assert_refused(argv, "are held by other users");
    for (int index = 0; index < NAMES; index++)
        unsquat(index);
}

/* Root only: a private mount namespace with its own /dev/shm. */
static void refused_under(const char *prepare, const char *why)
{
    char script[512];

    if (!sc__test_private_mounts() || access("/usr/bin/unshare", X_OK) != 0)
        skip();
    snprintf(script, sizeof script, "%s && exec \"$0\" --add %s 1", prepare,
             library);
    char *argv[] = {"/usr/bin/unshare", "-m", "sh", "-c", script,
                    self_path,          NULL};
    assert_refused(argv, why);
}

static void missing_dev_shm_is_refused(void **state)
{
    (void)state;
    refused_under("mount -t tmpfs none /dev", "is /dev/shm mounted?");
}

static void full_dev_shm_is_refused(void **state)
{
    (void)state;
    refused_under("mount -t tmpfs -o size=8k none /dev/shm && "
                  "head -c 8192 /dev/zero > /dev/shm/filler",
                  "cannot fill");
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strncmp(argv[1], "--", 2) == 0)
        return child_main(argc, argv);
    if (sc__test_self_path(self_path, sizeof self_path) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(linearizable_with_2_processes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(linearizable_with_8_processes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(linearizable_with_32_processes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(processes_exact_after_kill_9_mid_run,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(init_race_of_32_processes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(hard_link_shares_and_copy_does_not,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            value_restarts_after_the_last_normal_exit, setup, teardown),
        cmocka_unit_test_setup_teardown(value_restarts_after_kill_9_of_all,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(fork_child_shares_as_a_user, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(fork_then_exec_counts_each_process_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(ended_processes_never_fill_the_table,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(dlopen_dlclose_cycles, setup, teardown),
        cmocka_unit_test_setup_teardown(executable_shares_its_own_section,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(python_example_shares_with_a_c_client,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            python_pool_counts_exactly_through_counter_export, setup, teardown),
        cmocka_unit_test_setup_teardown(squatter_with_another_mode_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            squatter_of_another_user_is_stepped_past, setup, teardown),
        cmocka_unit_test_setup_teardown(name_that_is_not_a_file_is_stepped_past,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(every_name_squatted_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(missing_dev_shm_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(full_dev_shm_is_refused, setup,
                                        teardown),
    };
    sc__test_filter_from_environment();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
