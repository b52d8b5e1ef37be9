/*
 * counter_wait on Windows: a latch that eight counter_worker processes
 * release, --change, a timeout that expires (and not early), the refusals
 * of bad usage, and --help and --version, which leave the counter alone.
 * The times it took are printed as figures, not held to a bound: Wine on
 * a loaded machine may be slow.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <windows.h>

#include "client.h"
#include "sharedcounter.h"
#include "support.h"

enum { WORKERS = 8, TIMEOUT_MS = 300 };

static void start(struct sc_child *child, const char *file, const char *args)
{
    char path[MAX_PATH];

    sc__test_path(path, sizeof path, NULL, file);
    assert_int_equal(
        sc__child_start_in_job(child, path, args, SC_CHILD_PIPE_OUTPUT), 0);
}

/* Waits for the child; returns its exit code, with its output. */
static DWORD finish(struct sc_child *child, struct sc_child_output *output)
{
    DWORD exit_code;

    assert_int_equal(
        sc__child_finish(child, SC_TEST_CHILD_TIMEOUT_MS, &exit_code, output),
        0);
    sc__child_close(child);
    return exit_code;
}

static void wait_run(struct sc_test_run *run, const char *args)
{
    char path[MAX_PATH];

    sc__test_path(path, sizeof path, NULL, "counter_wait.exe");
    sc__test_run(run, path, args, "", 0);
}

static void test_eight_workers_release_the_latch(void **state)
{
    (void)state;
    struct sc_child waiter, workers[WORKERS];
    struct sc_child_output output;
    char args[64], expected[64];
    int64_t target = sc__wrapping_add(sc_get(), WORKERS);

    snprintf(args, sizeof args, "--until %" PRId64 " --timeout 60000", target);
    start(&waiter, "counter_wait.exe", args);
    for (int i = 0; i < WORKERS; i++)
        start(&workers[i], "counter_worker.exe", "--times 1");
    for (int i = 0; i < WORKERS; i++)
        assert_int_equal(finish(&workers[i], NULL), 0);
    ULONGLONG released = sc__clock_ms();
    assert_int_equal(finish(&waiter, &output), 0);
    print_message("counter_wait --until returned %lu ms after the last "
                  "worker was seen to end\n",
                  (unsigned long)(sc__clock_ms() - released));
    snprintf(expected, sizeof expected, "counter: %" PRId64 "\r\n", target);
    assert_string_equal(output.out, expected);
    assert_string_equal(output.err, "");
    sc__child_output_free(&output);
}

/* Changes keep coming until it has seen one, however late it looks. */
static void test_change_returns_once_the_counter_changes(void **state)
{
    (void)state;
    struct sc_child waiter;
    struct sc_child_output output;
    int64_t before = sc_get(), value;
    ULONGLONG changed;

    start(&waiter, "counter_wait.exe", "--change --timeout 60000");
    do {
        sc_increment();
        changed = sc__clock_ms();
    } while (WaitForSingleObject(waiter.process, 50) == WAIT_TIMEOUT);
    print_message("counter_wait --change ended %lu ms after the change\n",
                  (unsigned long)(sc__clock_ms() - changed));
    assert_int_equal(finish(&waiter, &output), 0);
    assert_int_equal(sc__last_value(output.out, &value), 0);
    assert_true(value != before);
    sc__child_output_free(&output);
}

static void test_timeout_expires_and_not_early(void **state)
{
    (void)state;
    static const char *const modes[] = {"--change",
                                        "--until 9223372036854775807"};
    char args[64];
    int64_t value;

    sc_exchange(-3);
    for (size_t i = 0; i < 2; i++) {
        struct sc_test_run run;
        snprintf(args, sizeof args, "%s --timeout %d", modes[i], TIMEOUT_MS);
        ULONGLONG begin = sc__clock_ms();
        wait_run(&run, args);
        ULONGLONG took = sc__clock_ms() - begin;
        print_message("counter_wait %s: exit %lu after %lu ms\n", args,
                      (unsigned long)run.exit_code, (unsigned long)took);
        assert_int_equal(run.exit_code, 1);
        assert_true(took >= TIMEOUT_MS);
        assert_int_equal(sc__last_value(run.output.out, &value), 0);
        assert_int_equal(value, -3);
        sc__test_run_free(&run);
    }
}

static void test_bad_usage_exits_2(void **state)
{
    (void)state;
    static const struct {
        const char *args, *message;
    } refusals[] = {
        {"", "counter_wait: give one of --until N and --change"},
        {"--until 1 --change",
         "counter_wait: give one of --until N and --change"},
        {"--until ten", "counter_wait: --until needs a whole number"},
        {"--change --timeout -1", "counter_wait: --timeout -1 is out of range"},
        {"--bogus", "counter_wait: unknown option \"--bogus\""},
    };
    int64_t before = sc_get();

    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct sc_test_run run;
        wait_run(&run, refusals[i].args);
        assert_int_equal(run.exit_code, 2);
        assert_string_equal(run.output.out, "");
        sc__test_assert_contains(run.output.err, refusals[i].message);
        sc__test_assert_contains(run.output.err, "Try 'counter_wait --help'.");
        sc__test_run_free(&run);
    }
    assert_int_equal(sc_get(), before);
}

static void test_help_and_version_change_nothing(void **state)
{
    (void)state;
    struct sc_test_run run;
    int64_t before = sc_get();

    wait_run(&run, "--help");
    assert_int_equal(run.exit_code, 0);
    sc__test_assert_contains(run.output.out, "usage: counter_wait --until N");
    sc__test_assert_contains(run.output.out, "0 reached; 1 timed out");
    sc__test_run_free(&run);
    wait_run(&run, "--version");
    assert_int_equal(run.exit_code, 0);
    sc__test_assert_contains(run.output.out, "counter_wait " SC_VERSION_STRING);
    sc__test_assert_contains(run.output.out, "sharedcounter.dll");
    sc__test_run_free(&run);
    assert_int_equal(sc_get(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eight_workers_release_the_latch),
        cmocka_unit_test(test_change_returns_once_the_counter_changes),
        cmocka_unit_test(test_timeout_expires_and_not_early),
        cmocka_unit_test(test_bad_usage_exits_2),
        cmocka_unit_test(test_help_and_version_change_nothing),
    };
    return cmocka_run_group_tests(tests, sc__save_counter, sc__restore_counter);
}
