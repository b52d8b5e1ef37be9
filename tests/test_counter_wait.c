/*
 * counter_wait, in one program for both systems (on Linux, run from its
 * build folder on the built library): a latch that eight counter_worker
 * processes release, --change, a timeout that expires (and not early), a
 * goal reached already, the refusals of bad usage, and --help and
 * --version, which leave the counter alone. The times it took are printed
 * as figures, not held to a bound: the machine may be loaded, Wine slow.
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

#include "runner.h"
#include "sharedcounter.h"
#include "support.h"

#define COUNTER_WAIT "counter_wait" SC_EXE_SUFFIX

enum { OUTPUT_SIZE = 4096, WORKERS = 8, TIMEOUT_MS = 300 };

static void eight_workers_release_the_latch(void **state)
{
    struct sc_test_child waiter, workers[WORKERS];
    char out[OUTPUT_SIZE], target[32], expected[64];

    (void)state;
    snprintf(target, sizeof target, "%" PRId64,
             sc__wrapping_add(sc_get(), WORKERS));
    sc__test_child_start_in(&waiter, NULL, COUNTER_WAIT, "--until", target,
                            "--timeout", "60000", NULL);
    for (int i = 0; i < WORKERS; i++)
        sc__test_child_start_in(&workers[i], NULL,
                                "counter_worker" SC_EXE_SUFFIX, "--times", "1",
                                NULL);
    for (int i = 0; i < WORKERS; i++)
        assert_int_equal(sc__test_child_finish(&workers[i], NULL, 0), 0);
    uint64_t released = sc__clock_ms();
    assert_int_equal(sc__test_child_finish(&waiter, out, sizeof out), 0);
    print_message("counter_wait --until returned %" PRIu64
                  " ms after the last worker was seen to end\n",
                  sc__clock_ms() - released);
    snprintf(expected, sizeof expected, "counter: %s\n", target);
    assert_string_equal(out, expected);
    assert_string_equal(waiter.errors, "");
}

/* It may look at the counter after the first change: changes keep coming
 * until it has seen one, however late it looks. */
static void change_returns_once_the_counter_changes(void **state)
{
    struct sc_test_child waiter;
    char out[OUTPUT_SIZE];
    int64_t before = sc_get(), value;
    uint64_t changed;

    (void)state;
    sc__test_child_start_in(&waiter, NULL, COUNTER_WAIT, "--change",
                            "--timeout", "60000", NULL);
    do {
        sc_increment();
        changed = sc__clock_ms();
    } while (!sc__test_child_ended(&waiter, 50));
    print_message("counter_wait --change ended %" PRIu64
                  " ms after the change\n",
                  sc__clock_ms() - changed);
    assert_int_equal(sc__test_child_finish(&waiter, out, sizeof out), 0);
    assert_int_equal(sc__last_value(out, &value), 0);
    assert_true(value != before);
}

static void timeout_expires_and_not_early(void **state)
{
    static const char *const modes[][2] = {{"--change", NULL},
                                           {"--until", "9223372036854775807"}};
    char out[OUTPUT_SIZE], timeout[16];

    (void)state;
    sc_exchange(-3);
    snprintf(timeout, sizeof timeout, "%d", TIMEOUT_MS);
    for (size_t i = 0; i < 2; i++) {
        struct sc_test_child waiter;
        uint64_t start = sc__clock_ms();
        if (modes[i][1] != NULL)
            sc__test_child_start_in(&waiter, NULL, COUNTER_WAIT, modes[i][0],
                                    modes[i][1], "--timeout", timeout, NULL);
        else
            sc__test_child_start_in(&waiter, NULL, COUNTER_WAIT, modes[i][0],
                                    "--timeout", timeout, NULL);
        assert_int_equal(sc__test_child_finish(&waiter, out, sizeof out), 1);
        uint64_t took = sc__clock_ms() - start;
        print_message("counter_wait %s --timeout %d: exit 1 after %" PRIu64
                      " ms\n",
                      modes[i][0], TIMEOUT_MS, took);
        assert_true(took >= TIMEOUT_MS);
        assert_string_equal(out, "counter: -3\n");
    }
}

static void reached_already_returns_at_once(void **state)
{
    struct sc_test_child waiter;
    char out[OUTPUT_SIZE];

    (void)state;
    sc_exchange(100);
    sc__test_child_start_in(&waiter, NULL, COUNTER_WAIT, "--until",
                            "-9223372036854775808", "--timeout", "0", NULL);
    assert_int_equal(sc__test_child_finish(&waiter, out, sizeof out), 0);
    assert_string_equal(out, "counter: 100\n");
}

static void bad_usage_exits_2(void **state)
{
    static const struct {
        const char *args[3];
        const char *message;
    } refusals[] = {
        {{NULL}, "counter_wait: give one of --until N and --change\n"},
        {{"--until", "1", "--change"},
         "counter_wait: give one of --until N and --change\n"},
        {{"--until", "ten"}, "counter_wait: --until needs a whole number"},
        {{"--change", "--timeout", "-1"},
         "counter_wait: --timeout -1 is out of range"},
        {{"--change", "--timeout", "4294967295"},
         "counter_wait: --timeout 4294967295 is out of range"},
        {{"--bogus"}, "counter_wait: unknown option \"--bogus\"\n"},
    };
    int64_t before = sc_get();

    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct sc_test_child proc;
        char out[OUTPUT_SIZE];
        const char *const *args = refusals[i].args;
        sc__test_child_start_in(&proc, NULL, COUNTER_WAIT, args[0], args[1],
                                args[2], NULL);
        assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 2);
        assert_string_equal(out, "");
        if (strncmp(proc.errors, refusals[i].message,
                    strlen(refusals[i].message)) != 0)
            fail_msg("not \"%s\" at the start of:\n%s", refusals[i].message,
                     proc.errors);
        sc__test_assert_contains(proc.errors, "\nTry 'counter_wait --help'.\n");
    }
    assert_int_equal(sc_get(), before);
}

static void help_and_version_change_nothing(void **state)
{
    static const struct {
        const char *ask, *parts[2];
    } asks[] = {
        {"--help",
         {"usage: counter_wait --until N",
          "Exit status: 0 reached; 1 timed out; 2 bad arguments; 3"}},
        {"--version", {"counter_wait " SC_VERSION_STRING, SC_LIBRARY_NAME}},
    };
    int64_t before = sc_get();

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct sc_test_child proc;
        char out[OUTPUT_SIZE];
        sc__test_child_start_in(&proc, NULL, COUNTER_WAIT, asks[i].ask, NULL);
        assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 0);
        sc__test_assert_contains(out, asks[i].parts[0]);
        sc__test_assert_contains(out, asks[i].parts[1]);
        assert_int_equal(sc_get(), before);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eight_workers_release_the_latch),
        cmocka_unit_test(change_returns_once_the_counter_changes),
        cmocka_unit_test(timeout_expires_and_not_early),
        cmocka_unit_test(reached_already_returns_at_once),
        cmocka_unit_test(bad_usage_exits_2),
        cmocka_unit_test(help_and_version_change_nothing),
    };
    sc__test_filter_from_environment();
    return cmocka_run_group_tests(tests, sc__save_counter, sc__restore_counter);
}
