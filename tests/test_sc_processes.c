/*
 * sc_processes() against real processes, built once per build of the
 * library (SC_TEST_DLL names the DLL it links): K = 1, 8 and 32 processes
 * hold the DLL and are counted and listed exactly, this program included;
 * half of them are killed with TerminateProcess and the next call is exact
 * again, with 0 in the entries of the array that got no id; those that
 * exit normally leave the table; a copy of the DLL at another path has a
 * table of its own.
 *
 * The program re-launches itself:
 *     test_sc_processes --hold   says "ready", then holds the DLL until
 *                                 its input ends
 *     test_sc_processes --list   prints "processes N: pid pid ..."
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

#include "sharedcounter.h"
#include "support.h"

enum { MAX_HOLDERS = 32, LIST_SIZE = 64 };

/* What an entry holds before a call: no process's id, and not 0. */
#define UNWRITTEN UINT32_MAX

/* ---- the children ------------------------------------------------------ */

static int hold_main(void)
{
    if (sc__say_ready() != 0)
        return 1;
    while (getchar() != EOF)
        continue;
    return 0;
}

static int list_main(void)
{
    uint32_t pids[LIST_SIZE];
    uint32_t n = sc_processes(pids, LIST_SIZE);

    printf("processes %lu:", (unsigned long)n);
    for (uint32_t i = 0; i < n && i < LIST_SIZE; i++)
        printf(" %lu", (unsigned long)pids[i]);
    printf("\n");
    return 0;
}

/* ---- the parent -------------------------------------------------------- */

static void start_holders(struct sc_child *holders, int n, const char *program)
{
    for (int i = 0; i < n; i++) {
        unsigned flags = SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT;
        assert_int_equal(
            program == NULL
                ? sc__child_start_self(&holders[i], "--hold", flags)
                : sc__child_start_in_job(&holders[i], program, "--hold", flags),
            0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(sc__child_wait_ready(&holders[i]), 0);
}

/* Ends a holder as a program ends: its DLL detaches. */
static void release_holder(struct sc_child *holder)
{
    DWORD code = 1;
    assert_int_equal(
        sc__child_finish(holder, SC_TEST_CHILD_TIMEOUT_MS, &code, NULL), 0);
    assert_int_equal(code, 0);
    sc__child_close(holder);
}

/* Ends a holder without its DLL detaching. The handle stays open until the
 * caller closes it, as a process that ended is still an object then. */
static void kill_holder(struct sc_child *holder)
{
    assert_true(TerminateProcess(holder->process, 9));
    assert_int_equal(WaitForSingleObject(holder->process, INFINITE),
                     WAIT_OBJECT_0);
}

static BOOL contains(const uint32_t *pids, uint32_t n, DWORD pid)
{
    for (uint32_t i = 0; i < n; i++)
        if (pids[i] == pid)
            return TRUE;
    return FALSE;
}

/* Fails unless sc_processes() gives exactly this process and those of
 * holders[0..n) that alive[] marks (NULL: all of them). */
static void assert_processes(const struct sc_child *holders, int n,
                             const BOOL *alive)
{
    uint32_t pids[LIST_SIZE], expected = 1;

    for (int i = 0; i < n; i++)
        expected += alive == NULL || alive[i];
    for (int i = 0; i < LIST_SIZE; i++)
        pids[i] = UNWRITTEN;
    uint32_t count = sc_processes(pids, LIST_SIZE);
    assert_int_equal(count, expected);
    for (uint32_t i = 0; i < LIST_SIZE; i++)
        assert_true(i < count ? pids[i] != 0 && pids[i] != UNWRITTEN
                              : pids[i] == 0);
    assert_int_equal(sc_processes(NULL, 0), expected);
    assert_true(contains(pids, count, GetCurrentProcessId()));
    for (int i = 0; i < n; i++)
        if (alive == NULL || alive[i])
            assert_true(contains(pids, count, holders[i].pid));
}

/* K holders; every second one (the first included) is killed, the others
 * exit normally. */
static void check_holders(int k)
{
    struct sc_child holders[MAX_HOLDERS];
    BOOL alive[MAX_HOLDERS];

    assert_processes(NULL, 0, NULL);
    start_holders(holders, k, NULL);
    assert_processes(holders, k, NULL);
    for (int i = 0; i < k; i++) {
        alive[i] = i % 2 == 1;
        if (!alive[i])
            kill_holder(&holders[i]);
    }
    assert_processes(holders, k, alive);
    for (int i = 0; i < k; i++) {
        if (alive[i])
            release_holder(&holders[i]);
        else
            sc__child_close(&holders[i]);
    }
    assert_processes(NULL, 0, NULL);
}

static void one_holder_is_counted_then_killed(void **state)
{
    (void)state;
    check_holders(1);
}

static void eight_holders_half_killed(void **state)
{
    (void)state;
    check_holders(8);
}

static void thirty_two_holders_half_killed(void **state)
{
    (void)state;
    check_holders(32);
}

/* A smaller array than there are processes: the count is whole, and
 * nothing is written beyond capacity. */
static void count_exceeds_capacity(void **state)
{
    struct sc_child holders[3];
    uint32_t pids[3] = {UNWRITTEN, UNWRITTEN, UNWRITTEN};
    (void)state;

    start_holders(holders, 3, NULL);
    uint32_t expected[4] = {GetCurrentProcessId(), holders[0].pid,
                            holders[1].pid, holders[2].pid};
    assert_int_equal(sc_processes(pids, 2), 4);
    /* Two of the four, each once. */
    assert_true(contains(expected, 4, pids[0]));
    assert_true(contains(expected, 4, pids[1]));
    assert_int_not_equal(pids[0], pids[1]);
    assert_int_equal(pids[2], UNWRITTEN);
    for (int i = 0; i < 3; i++)
        release_holder(&holders[i]);
}

/* The copy's holders see each other and a lister of the copy, not us; we
 * see only ourselves. */
static void dll_copy_has_its_own_table(void **state)
{
    char dir[MAX_PATH], program[MAX_PATH], line[1024];
    const char *self = "test_sc_processes" SC_TEST_SUFFIX ".exe";
    struct sc_child holders[2], lister;
    (void)state;

    sc__test_make_dir(dir, sizeof dir);
    sc__test_copy(SC_TEST_DLL, dir, SC_TEST_DLL);
    sc__test_copy(self, dir, self);
    sc__test_path(program, sizeof program, dir, self);
    start_holders(holders, 2, program);
    assert_processes(NULL, 0, NULL);

    assert_int_equal(sc__child_start_in_job(&lister, program, "--list",
                                            SC_CHILD_PIPE_OUTPUT),
                     0);
    assert_int_equal(sc__child_read_line(&lister, line, sizeof line), 0);
    assert_memory_equal(line, "processes ", strlen("processes "));
    char *rest;
    assert_int_equal(strtoul(line + strlen("processes "), &rest, 10), 3);
    uint32_t pids[3], n = 0;
    for (char *p = rest + 1; n < 3; p = rest)
        pids[n++] = (uint32_t)strtoul(p, &rest, 10);
    assert_true(contains(pids, n, lister.pid));
    assert_true(contains(pids, n, holders[0].pid));
    assert_true(contains(pids, n, holders[1].pid));
    release_holder(&lister);
    for (int i = 0; i < 2; i++)
        release_holder(&holders[i]);
    sc__test_remove_dir(dir);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--hold") == 0)
        return hold_main();
    if (argc == 2 && strcmp(argv[1], "--list") == 0)
        return list_main();

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_holder_is_counted_then_killed),
        cmocka_unit_test(eight_holders_half_killed),
        cmocka_unit_test(thirty_two_holders_half_killed),
        cmocka_unit_test(count_exceeds_capacity),
        cmocka_unit_test(dll_copy_has_its_own_table),
    };
    sc__test_filter_from_environment();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
