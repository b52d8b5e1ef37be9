/*
 * Killed clients: workers increment the counter and append every value they
 * get to a file of their own before the next call. Some are killed with
 * TerminateProcess at points chosen by a seeded PRNG while the others keep
 * going. Afterwards:
 *   - every recorded value is distinct, and each worker's values rise;
 *   - the survivors recorded all their increments;
 *   - the counter moved by the number of recorded increments plus at most
 *     one per killed worker (the one it made but had no time to record);
 *   - workers started after the kills share the same counter and continue
 *     it exactly.
 *
 * The program re-launches itself as the workers:
 *     test_killed --worker GATE FILE OPS
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <windows.h>

#include "options.h"
#include "sharedcounter.h"
#include "support.h"

enum {
    WORKERS = 8,
    VICTIMS = 4, /* of the WORKERS, killed while running */
    OPS = 40000, /* increments per worker */
    MAX_KILL_DELAY_MS = 40,
    LATE_WORKERS = 2, /* started after the kills */
    LATE_OPS = 2000,
};

static const uint64_t seed = 20240517;

/* ---- worker process ---------------------------------------------------- */

/* WriteFile straight to the file, no stdio buffer: a value is recorded as
 * soon as the call returns, so a kill loses at most the one in flight. */
static int worker_main(const char *gate, const char *path, int ops)
{
    HANDLE file = CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ, NULL,
                              CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE || sc__say_ready() != 0 ||
        sc__gate_wait(gate) != 0)
        return 1;
    for (int i = 0; i < ops; i++) {
        int64_t value = sc_increment();
        DWORD written;
        if (!WriteFile(file, &value, sizeof value, &written, NULL) ||
            written != sizeof value)
            return 1;
    }
    CloseHandle(file);
    return 0;
}

/* A test program whose test failed half-way: it has started a worker that
 * waits at a gate nobody will open, prints the worker's process id, and
 * ends without cleaning up. */
static int abandon_main(void)
{
    struct sc_start_gate gate;
    struct sc_child waiter;
    char args[100];

    if (sc__gate_create(&gate, "never") != 0)
        return 1;
    snprintf(args, sizeof args, "--worker %s NUL 0", gate.name);
    if (sc__child_start_self(&waiter, args, SC_CHILD_PIPE_OUTPUT) != 0 ||
        sc__child_wait_ready(&waiter) != 0)
        return 1;
    printf("%lu\n", (unsigned long)waiter.pid);
    return 0;
}

/* ---- parent ------------------------------------------------------------ */

struct worker {
    struct sc_child child;
    char path[MAX_PATH];
    BOOL killed;     /* terminated while still running */
    int64_t *values; /* what it recorded */
    size_t count;
};

/* xorshift64*: a fixed seed gives the same kill points on every run. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ULL;
}

static void start_workers(struct worker *workers, int n, const char *dir,
                          const char *tag, int ops, struct sc_start_gate *gate)
{
    char args[MAX_PATH + 100];

    assert_int_equal(sc__gate_create(gate, tag), 0);
    for (int i = 0; i < n; i++) {
        snprintf(workers[i].path, sizeof workers[i].path, "%s%s%d.bin", dir,
                 tag, i);
        snprintf(args, sizeof args, "--worker %s \"%s\" %d", gate->name,
                 workers[i].path, ops);
        assert_int_equal(
            sc__child_start_self(&workers[i].child, args, SC_CHILD_PIPE_OUTPUT),
            0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(sc__child_wait_ready(&workers[i].child), 0);
}

/* Kills VICTIMS distinct workers, each after a random pause, and marks those
 * that were still running when the kill came. Returns how many were. */
static int kill_some(struct worker *workers, uint64_t *rng)
{
    int order[WORKERS], killed = 0;

    for (int i = 0; i < WORKERS; i++)
        order[i] = i;
    for (int i = WORKERS - 1; i > 0; i--) { /* Fisher-Yates */
        int j = (int)(next_random(rng) % (uint64_t)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int v = 0; v < VICTIMS; v++) {
        struct worker *w = &workers[order[v]];
        sc__sleep_ms((uint32_t)(next_random(rng) % MAX_KILL_DELAY_MS));
        if (WaitForSingleObject(w->child.process, 0) == WAIT_TIMEOUT) {
            assert_true(TerminateProcess(w->child.process, 99));
            w->killed = TRUE;
            killed++;
        }
        WaitForSingleObject(w->child.process, INFINITE);
    }
    return killed;
}

/* Waits for the workers not killed: each must finish cleanly. */
static void finish_workers(struct worker *workers, int n)
{
    for (int i = 0; i < n; i++) {
        DWORD code = 1;
        assert_int_equal(
            sc__child_finish(&workers[i].child, 120000, &code, NULL), 0);
        if (!workers[i].killed)
            assert_int_equal(code, 0);
        sc__child_close(&workers[i].child);
    }
}

/* Reads a worker's file; a value cut short by a kill is not counted. */
static void read_values(struct worker *w)
{
    HANDLE file = CreateFileA(w->path, GENERIC_READ, FILE_SHARE_READ, NULL,
                              OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    DWORD got;

    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(GetFileSizeEx(file, &size));
    w->count = (size_t)size.QuadPart / sizeof *w->values;
    w->values = calloc(w->count + 1, sizeof *w->values);
    assert_non_null(w->values);
    assert_true(ReadFile(file, w->values, (DWORD)(w->count * sizeof *w->values),
                         &got, NULL));
    assert_int_equal(got, w->count * sizeof *w->values);
    CloseHandle(file);
    if (!w->killed)
        assert_int_equal(size.QuadPart % sizeof *w->values, 0);
    for (size_t i = 1; i < w->count; i++)
        assert_true(sc__wrapping_sub(w->values[i], w->values[i - 1]) > 0);
}

static int ascending(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* All values of all workers, sorted; each must lie in (before, after] and
 * appear once. Returns how many there are. */
static size_t check_values(struct worker *workers, int n, int64_t before,
                           int64_t after)
{
    size_t total = 0, at = 0;

    for (int i = 0; i < n; i++)
        total += workers[i].count;
    int64_t *all = calloc(total + 1, sizeof *all);
    assert_non_null(all);
    for (int i = 0; i < n; i++) {
        memcpy(all + at, workers[i].values, workers[i].count * sizeof *all);
        at += workers[i].count;
    }
    qsort(all, total, sizeof *all, ascending);
    for (size_t i = 0; i < total; i++) {
        int64_t offset = sc__wrapping_sub(all[i], before);
        assert_true(offset > 0 && offset <= sc__wrapping_sub(after, before));
        if (i > 0 && all[i] == all[i - 1])
            fail_msg("value %lld was returned twice", (long long)all[i]);
    }
    free(all);
    return total;
}

static void free_values(struct worker *workers, int n)
{
    for (int i = 0; i < n; i++)
        free(workers[i].values);
}

/* Workers started after the kills: no kill among them, so their values must
 * be exactly the next LATE_WORKERS * LATE_OPS values of the same counter. */
static void late_workers_continue_the_counter(const char *dir, int64_t after)
{
    struct worker late[LATE_WORKERS];
    struct sc_start_gate gate;
    memset(late, 0, sizeof late);

    start_workers(late, LATE_WORKERS, dir, "late", LATE_OPS, &gate);
    SetEvent(gate.event);
    finish_workers(late, LATE_WORKERS);
    for (int i = 0; i < LATE_WORKERS; i++)
        read_values(&late[i]);
    int64_t end = sc__wrapping_add(after, LATE_WORKERS * LATE_OPS);
    assert_int_equal(check_values(late, LATE_WORKERS, after, end),
                     LATE_WORKERS * LATE_OPS);
    assert_int_equal(sc_get(), end);
    free_values(late, LATE_WORKERS);
    CloseHandle(gate.event);
}

static void killed_workers_lose_at_most_their_last_update(void **state)
{
    struct worker workers[WORKERS];
    struct sc_start_gate gate;
    const char *dir = *state;
    uint64_t rng = seed;
    memset(workers, 0, sizeof workers);

    start_workers(workers, WORKERS, dir, "w", OPS, &gate);
    int64_t before = sc_get();
    SetEvent(gate.event);
    int killed = kill_some(workers, &rng);
    finish_workers(workers, WORKERS);
    int64_t after = sc_get();

    printf("[ FIGURES  ] seed %llu: %d of %d workers killed while running; "
           "values recorded by each:",
           (unsigned long long)seed, killed, WORKERS);
    for (int i = 0; i < WORKERS; i++) {
        read_values(&workers[i]);
        printf(" %llu%s", (unsigned long long)workers[i].count,
               workers[i].killed ? "(killed)" : "");
        if (!workers[i].killed)
            assert_int_equal(workers[i].count, OPS);
    }
    size_t recorded = check_values(workers, WORKERS, before, after);
    int64_t moved = sc__wrapping_sub(after, before);
    int64_t unrecorded = moved - (int64_t)recorded;
    printf("; counter moved %lld, unrecorded %lld\n", (long long)moved,
           (long long)unrecorded);
    assert_true(unrecorded >= 0 && unrecorded <= killed);
    /* A run in which every worker finished before its kill tested nothing. */
    assert_true(killed > 0);

    late_workers_continue_the_counter(dir, after);
    free_values(workers, WORKERS);
    CloseHandle(gate.event);
}

/* Workers started through the support library end with the program that
 * started them, so a failed assertion leaves none waiting. */
static void abandoned_workers_end_with_their_parent(void **state)
{
    struct sc_child parent;
    struct sc_child_output out;
    DWORD code = 1;
    unsigned long pid;
    (void)state;

    assert_int_equal(
        sc__child_start_self(&parent, "--abandon", SC_CHILD_PIPE_OUTPUT), 0);
    assert_int_equal(
        sc__child_finish(&parent, SC_TEST_CHILD_TIMEOUT_MS, &code, &out), 0);
    sc__child_close(&parent);
    assert_int_equal(code, 0);
    assert_int_equal(sscanf(out.out, "%lu", &pid), 1);
    sc__child_output_free(&out);
    /* Gone already, or going: either way it must not be waiting still. */
    HANDLE waiter = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid);
    if (waiter != NULL) {
        assert_int_equal(WaitForSingleObject(waiter, SC_TEST_CHILD_TIMEOUT_MS),
                         WAIT_OBJECT_0);
        CloseHandle(waiter);
    }
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--worker") == 0)
        return worker_main(argv[2], argv[3], atoi(argv[4]));
    if (argc == 2 && strcmp(argv[1], "--abandon") == 0)
        return abandon_main();
    const struct CMUnitTest tests[] = {
        SC_TEST_WITH_FOLDER(killed_workers_lose_at_most_their_last_update),
        cmocka_unit_test(abandoned_workers_end_with_their_parent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
