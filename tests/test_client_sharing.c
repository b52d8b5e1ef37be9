/*
 * The client programs as separate processes: those on one counter see each
 * other's updates and lose none, those on different counters (a private
 * variable, another EXE, a copy of the DLL) never see each other's.
 *
 * This test program keeps sharedcounter.dll loaded, so the counter lives on
 * between clients and sc_get() shows what they did to it.
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

#include "runner.h"
#include "options.h"
#include "sharedcounter.h"
#include "support.h"

enum { WORKERS = 8, WORKER_TIMES = 1000000, WORKER_DELTA = 3 };
/* Rounds of workers to start until one shows that they overlapped. */
enum { ROUNDS = 5 };

static void start_session(struct sc_child *child, const char *file)
{
    char path[MAX_PATH];
    sc__test_path(path, sizeof path, NULL, file);
    sc__test_session_start(child, path);
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Runs WORKERS counter_worker processes, created suspended and released
 * together, and returns the last value each printed, as its distance from
 * the counter before them, in the order they finished; checks that they
 * lost no update. */
static void run_workers(uint64_t finished[WORKERS])
{
    struct sc_child workers[WORKERS];
    char path[MAX_PATH], args[64];
    int64_t before = sc_get();

    sc__test_path(path, sizeof path, NULL, "counter_worker.exe");
    snprintf(args, sizeof args, "--times %d --delta %d", WORKER_TIMES,
             WORKER_DELTA);
    for (int i = 0; i < WORKERS; i++)
        assert_int_equal(
            sc__child_start_in_job(&workers[i], path, args,
                                   SC_CHILD_SUSPENDED | SC_CHILD_PIPE_OUTPUT),
            0);
    for (int i = 0; i < WORKERS; i++)
        assert_int_equal(sc__child_resume(&workers[i]), 0);
    for (int i = 0; i < WORKERS; i++) {
        struct sc_child_output output;
        DWORD exit_code;
        int64_t last;
        assert_int_equal(sc__child_finish(&workers[i], SC_TEST_CHILD_TIMEOUT_MS,
                                          &exit_code, &output),
                         0);
        assert_int_equal(exit_code, 0);
        assert_int_equal(sc__last_value(output.out, &last), 0);
        sc__child_output_free(&output);
        sc__child_close(&workers[i]);
        finished[i] = (uint64_t)sc__wrapping_sub(last, before);
    }
    assert_int_equal(sc__wrapping_sub(sc_get(), before),
                     (int64_t)WORKERS * WORKER_TIMES * WORKER_DELTA);
    qsort(finished, WORKERS, sizeof *finished, by_value);
}

/* The k-th worker to finish (from 1) saw at least its own additions and
 * those of the k - 1 before it: k shares. It saw more exactly when a
 * worker that finished later had added already. Workers that ran one after
 * another end at 1, 2, ... WORKERS shares each; any worker past its share
 * shows that the updates of two of them interleaved. Returns how many. */
static int overlapped(const uint64_t finished[WORKERS])
{
    const uint64_t share = (uint64_t)WORKER_TIMES * WORKER_DELTA;
    int past = 0;

    for (int k = 1; k <= WORKERS; k++) {
        if (finished[k - 1] < k * share)
            fail_msg("worker %d to finish saw %llu added, below the %d shares "
                     "of %llu that it and those before it made",
                     k, (unsigned long long)finished[k - 1], k,
                     (unsigned long long)share);
        past += finished[k - 1] > k * share;
    }
    /* The last to finish made the last addition of all. */
    assert_int_equal(finished[WORKERS - 1], WORKERS * share);
    return past;
}

/* Workers released together lose no update, and overlap: a round in which
 * they happened to run one after another proves nothing about sharing
 * under load, so it runs again, up to ROUNDS times. */
static void concurrent_workers_lose_no_update(void **state)
{
    uint64_t finished[WORKERS];
    int round = 0, past = 0;
    (void)state;

    while (past == 0 && round < ROUNDS) {
        round++;
        run_workers(finished);
        past = overlapped(finished);
    }
    if (past == 0)
        fail_msg("in %d rounds of %d workers, each finished before the next "
                 "added anything: they never overlapped",
                 ROUNDS, WORKERS);
    printf("[ FIGURES  ] %d workers x %d sc_add(%d), round %d: %d of them "
           "finished while a later one was adding\n",
           WORKERS, WORKER_TIMES, WORKER_DELTA, round, past);
}

/* The baseline: two instances, interleaved, each on its own. */
static void private_counters_do_not_share(void **state)
{
    struct sc_child a, b;
    (void)state;

    start_session(&a, "private_counter.exe");
    start_session(&b, "private_counter.exe");
    assert_int_equal(sc__test_session_send(&a, ""), 1);
    assert_int_equal(sc__test_session_send(&b, ""), 1);
    assert_int_equal(sc__test_session_send(&a, "+5"), 6);
    assert_int_equal(sc__test_session_send(&b, ""), 2);
    assert_int_equal(sc__test_session_send(&a, "="), 6);
    assert_int_equal(sc__test_session_send(&b, "-10"), -8);
    assert_int_equal(sc__test_session_send(&a, ""), 7);
    sc__test_session_end(&a);
    sc__test_session_end(&b);
}

/* The variable in the EXE's own shared section, no DLL involved. It
 * is not the DLL's counter, which does not move. */
static void shared_exe_counters_share(void **state)
{
    struct sc_child a, b;
    int64_t dll_before = sc_get();
    (void)state;

    start_session(&a, "shared_exe_counter.exe");
    start_session(&b, "shared_exe_counter.exe");
    int64_t start = sc__test_session_send(&a, "=");
    assert_int_equal(sc__test_session_send(&a, ""), sc__wrapping_add(start, 1));
    assert_int_equal(sc__test_session_send(&b, ""), sc__wrapping_add(start, 2));
    assert_int_equal(sc__test_session_send(&a, "+10"),
                     sc__wrapping_add(start, 12));
    assert_int_equal(sc__test_session_send(&b, "="),
                     sc__wrapping_add(start, 12));
    assert_int_equal(sc__test_session_send(&b, "-12"), start);
    assert_int_equal(sc__test_session_send(&a, "="), start);
    sc__test_session_end(&a);
    sc__test_session_end(&b);
    assert_int_equal(sc_get(), dll_before);
}

/* ENTER in one, ENTER in the other: the import-library client and the
 * run-time-loading client share the counter with each other and with us. */
static void dll_clients_share_with_each_other(void **state)
{
    struct sc_child linked, dynamic;
    int64_t before = sc_get();
    (void)state;

    start_session(&linked, "counter_client.exe");
    start_session(&dynamic, "counter_dynamic.exe");
    assert_int_equal(sc__test_session_send(&linked, ""),
                     sc__wrapping_add(before, 1));
    assert_int_equal(sc__test_session_send(&dynamic, ""),
                     sc__wrapping_add(before, 2));
    assert_int_equal(sc__test_session_send(&linked, ""),
                     sc__wrapping_add(before, 3));
    assert_int_equal(sc__test_session_send(&dynamic, "="),
                     sc__wrapping_add(before, 3));
    assert_int_equal(sc_add(100), sc__wrapping_add(before, 103));
    assert_int_equal(sc__test_session_send(&linked, "="),
                     sc__wrapping_add(before, 103));
    assert_int_equal(sc__test_session_send(&dynamic, "-103"), before);
    sc__test_session_end(&linked);
    sc__test_session_end(&dynamic);
    assert_int_equal(sc_get(), before);
}

/* Sharing is per DLL file: clients of a copy share the copy's counter
 * among themselves, and neither side sees the other's changes. */
static void dll_copy_has_its_own_counter(void **state)
{
    char dir[MAX_PATH], path[MAX_PATH];
    struct sc_child copy, copy2, ours;
    (void)state;

    sc__test_make_dir(dir, sizeof dir);
    sc__test_copy("sharedcounter.dll", dir, "sharedcounter.dll");
    sc__test_copy("counter_client.exe", dir, "counter_client.exe");
    sc__test_path(path, sizeof path, dir, "counter_client.exe");
    int64_t before = sc_get();

    sc__test_session_start(&copy, path);
    start_session(&ours, "counter_client.exe");
    assert_int_equal(sc__test_session_send(&copy, "="), 0);
    assert_int_equal(sc__test_session_send(&copy, "+1000"), 1000);
    assert_int_equal(sc__test_session_send(&ours, "="), before);
    assert_int_equal(sc__test_session_send(&ours, "+7"),
                     sc__wrapping_add(before, 7));
    assert_int_equal(sc__test_session_send(&copy, "="), 1000);
    sc__test_session_start(&copy2, path);
    assert_int_equal(sc__test_session_send(&copy2, ""), 1001);
    assert_int_equal(sc__test_session_send(&copy, "="), 1001);
    sc__test_session_end(&copy);
    sc__test_session_end(&copy2);
    sc__test_session_end(&ours);
    sc__test_remove_dir(dir);
    assert_int_equal(sc_get(), sc__wrapping_add(before, 7));
}

static void demo_reports_both_counters(void **state)
{
    char path[MAX_PATH], shared_line[160];
    struct sc_test_run result;
    int64_t before = sc_get();
    (void)state;

    sc__test_path(path, sizeof path, NULL, "counter_demo.exe");
    sc__test_run(&result, path, "--clients 3 --times 1000 --delta -2", "", 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(sc__wrapping_sub(sc_get(), before), -6000);
    snprintf(shared_line, sizeof shared_line,
             "shared counter (sharedcounter.dll): %" PRId64 " -> %" PRId64
             " (expected -6000: OK)",
             before, sc__wrapping_add(before, -6000));
    assert_non_null(strstr(result.output.out, shared_line));
    assert_non_null(strstr(result.output.out,
                           "private baseline: each of 3 processes ended at "
                           "-2000 (none saw the others)"));
    sc__test_run_free(&result);
}

/* Runs a copy of the demo in a folder of its own, with worker_file and
 * baseline_file (NULL: none) as its counter_worker and private_counter. */
static void check_demo_fails(const char *worker_file, const char *baseline_file,
                             const char *message)
{
    char dir[MAX_PATH], path[MAX_PATH];
    struct sc_test_run result;

    sc__test_make_dir(dir, sizeof dir);
    sc__test_copy("counter_demo.exe", dir, "counter_demo.exe");
    sc__test_copy("sharedcounter.dll", dir, "sharedcounter.dll");
    sc__test_copy(worker_file, dir, "counter_worker.exe");
    if (baseline_file != NULL)
        sc__test_copy(baseline_file, dir, "private_counter.exe");
    sc__test_path(path, sizeof path, dir, "counter_demo.exe");
    sc__test_run(&result, path, "--clients 2 --times 1000", "", 0);
    sc__test_remove_dir(dir);

    assert_int_equal(result.exit_code, 1);
    if (strstr(result.output.out, message) == NULL &&
        strstr(result.output.err, message) == NULL)
        fail_msg("\"%s\" not in the demo's output:\n%s%s", message,
                 result.output.out, result.output.err);
    sc__test_run_free(&result);
}

/* The demo's checks can fail: a "private" baseline whose counter is
 * shared, workers that never touch the DLL, a baseline that is missing. */
static void demo_detects_wrong_counters(void **state)
{
    (void)state;
    check_demo_fails("counter_worker.exe", "shared_exe_counter.exe",
                     "private baseline: MISMATCH");
    check_demo_fails("private_counter.exe", "private_counter.exe",
                     "shared counter (sharedcounter.dll): 0 -> 0 "
                     "(expected +2000: MISMATCH, off by -2000)");
    check_demo_fails("counter_worker.exe", NULL, "cannot start");
}

/* Two "private" processes that share a counter: the one to end last saw
 * both, and its row says how far off that is. */
static void demo_shows_how_far_off_a_private_counter_is(void **state)
{
    (void)state;
    check_demo_fails("counter_worker.exe", "shared_exe_counter.exe",
                     "(off by +1000)");
}

/* Runs the demo with args and the shared counter at start; returns its
 * output (free it with sc__test_run_free()) and puts the counter back. */
static void run_demo_from(struct sc_test_run *result, int64_t start,
                          const char *args)
{
    char path[MAX_PATH];
    int64_t saved = sc_exchange(start);

    sc__test_path(path, sizeof path, NULL, "counter_demo.exe");
    sc__test_run(result, path, args, "", 0);
    sc_exchange(saved);
}

/* K*N*D = 2 * 2 * INT64_MAX needs 66 bits: the demo states it exactly and
 * says that it wraps, as the counters do. */
static void demo_explains_totals_that_wrap(void **state)
{
    struct sc_test_run result;
    (void)state;

    run_demo_from(&result, 0,
                  "--clients 2 --times 2 --delta 9223372036854775807");
    assert_int_equal(result.exit_code, 0);
    sc__test_assert_contains(result.output.out,
                             "shared counter (sharedcounter.dll): 0 -> -4 "
                             "(expected +36893488147419103228, which wraps "
                             "past INT64_MAX: OK)");
    sc__test_assert_contains(result.output.out,
                             "private baseline: each of 2 processes ended at "
                             "-2 (+18446744073709551614, which wraps past "
                             "INT64_MAX; none saw the others)");
    sc__test_run_free(&result);
}

/* A total that fits can still carry the counter past INT64_MIN; and one
 * process of each kind, one addition, are singular. */
static void demo_explains_a_counter_that_wraps_in_the_singular(void **state)
{
    struct sc_test_run result;
    (void)state;

    run_demo_from(&result, INT64_MIN + 1, "--clients 1 --times 1 --delta -2");
    assert_int_equal(result.exit_code, 0);
    sc__test_assert_contains(result.output.out,
                             "1 counter_worker and 1 private_counter process, "
                             "released together;");
    sc__test_assert_contains(result.output.out,
                             "each adds -2 to its counter 1 time.");
    sc__test_assert_contains(result.output.out,
                             "shared counter (sharedcounter.dll): "
                             "-9223372036854775807 -> 9223372036854775807 "
                             "(expected -2, which wraps past INT64_MIN: OK)");
    sc__test_assert_contains(result.output.out,
                             "private baseline: its one process ended at -2 "
                             "(it had no others to see)");
    sc__test_run_free(&result);
}

/* Workers with 10^9 locked additions each are still running after a
 * second: the demo kills them, says so for each, and fails. */
static void demo_kills_what_outlives_its_time_limit(void **state)
{
    struct sc_test_run result;
    (void)state;

    run_demo_from(&result, 0, "--clients 2 --times 1000000000 --timeout 1");
    assert_int_equal(result.exit_code, 1);
    const char *killed = "counter_demo: killed counter_worker.exe (pid ";
    const char *first = strstr(result.output.err, killed);
    assert_non_null(first);
    assert_non_null(strstr(first + 1, killed));
    sc__test_assert_contains(result.output.err,
                             "still running at the time limit of 1 second\r\n");
    sc__test_assert_contains(result.output.out, "(killed at the time limit)");
    sc__test_assert_contains(result.output.out, "MISMATCH");
    sc__test_run_free(&result);
}

/* Its report lost, the demo must not pass: our end of its stdout is closed
 * before it writes a line. */
static void demo_fails_when_its_report_cannot_be_written(void **state)
{
    char path[MAX_PATH];
    struct sc_child child;
    struct sc_child_output output;
    DWORD exit_code;
    (void)state;

    sc__test_path(path, sizeof path, NULL, "counter_demo.exe");
    assert_int_equal(sc__child_start_in_job(&child, path,
                                            "--clients 1 --times 10",
                                            SC_CHILD_PIPE_OUTPUT),
                     0);
    sc__close_handle(&child.stdout_read);
    assert_int_equal(
        sc__child_finish(&child, SC_TEST_CHILD_TIMEOUT_MS, &exit_code, &output),
        0);
    sc__child_close(&child);
    assert_int_equal(exit_code, 1);
    sc__test_assert_contains(output.err,
                             "counter_demo: cannot write to stdout");
    sc__child_output_free(&output);
}

static void demo_answers_help_and_version(void **state)
{
    char path[MAX_PATH];
    struct sc_test_run help, version;
    int64_t before = sc_get();
    (void)state;

    sc__test_path(path, sizeof path, NULL, "counter_demo.exe");
    sc__test_run(&help, path, "--help", "", 0);
    sc__test_run(&version, path, "--version", "", 0);
    assert_int_equal(help.exit_code, 0);
    sc__test_assert_contains(help.output.out, "usage: counter_demo");
    sc__test_assert_contains(help.output.out, "--timeout SECONDS");
    assert_int_equal(version.exit_code, 0);
    assert_string_equal(version.output.out,
                        "counter_demo " SC_VERSION_STRING "\r\n");
    assert_int_equal(sc_get(), before);
    sc__test_run_free(&help);
    sc__test_run_free(&version);
}

static void demo_rejects_a_time_limit_out_of_range(void **state)
{
    char path[MAX_PATH];
    struct sc_test_run result;
    (void)state;

    sc__test_path(path, sizeof path, NULL, "counter_demo.exe");
    sc__test_run(&result, path, "--timeout 0", "", 0);
    assert_int_equal(result.exit_code, 2);
    sc__test_assert_contains(result.output.err,
                             "counter_demo: --timeout 0 is out of range");
    sc__test_assert_contains(result.output.err, "Try 'counter_demo --help'");
    sc__test_run_free(&result);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_workers_lose_no_update),
        cmocka_unit_test(private_counters_do_not_share),
        cmocka_unit_test(shared_exe_counters_share),
        cmocka_unit_test(dll_clients_share_with_each_other),
        cmocka_unit_test(dll_copy_has_its_own_counter),
        cmocka_unit_test(demo_reports_both_counters),
        cmocka_unit_test(demo_detects_wrong_counters),
        cmocka_unit_test(demo_shows_how_far_off_a_private_counter_is),
        cmocka_unit_test(demo_explains_totals_that_wrap),
        cmocka_unit_test(demo_explains_a_counter_that_wraps_in_the_singular),
        cmocka_unit_test(demo_kills_what_outlives_its_time_limit),
        cmocka_unit_test(demo_fails_when_its_report_cannot_be_written),
        cmocka_unit_test(demo_answers_help_and_version),
        cmocka_unit_test(demo_rejects_a_time_limit_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
