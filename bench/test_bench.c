/*
 * Tests of counter_bench that need no timing: the check that fails a run
 * which lost an update, the CSV it writes, its command line, and the two
 * launch probes (their --help and --version must not touch the counter).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "child_process.h"
#include "sharedcounter.h"
#include "text_paths.h"

enum { CHILD_TIMEOUT_MS = 30000 };

static const struct sc_bench_variant safe = {
    "sharedcounter", "", 1, 1, 1, NULL, NULL, NULL, 0};
static const struct sc_bench_variant unsafe = {"unsafe", "",   0,    1, 1,
                                               NULL,     NULL, NULL, 0};

/* sc__bench_check() on one run of variant v with procs processes. */
static int check_one(const struct sc_bench_variant *v, int procs, uint64_t ops,
                     int64_t counted)
{
    int proc_list[1] = {procs};
    struct sc_bench_sample sample = {ops, counted, 1.0, 1.0, 1.0};
    struct sc_bench_results r = {.duration_ms = 1,
                                 .repetitions = 1,
                                 .variants = {v},
                                 .variant_count = 1,
                                 .procs = proc_list,
                                 .proc_count = 1,
                                 .samples = &sample};

    return sc__bench_check(&r, NULL);
}

static void exact_counts_pass(void **state)
{
    (void)state;
    assert_int_equal(check_one(&safe, 2, 1000, 1000), 0);
    assert_int_equal(check_one(&unsafe, 1, 1000, 1000), 0);
}

static void safe_variant_losing_one_increment_fails(void **state)
{
    (void)state;
    assert_int_equal(check_one(&safe, 2, 1000, 999), 1);
    assert_int_equal(check_one(&safe, 1, 1000, 999), 1);
}

static void unsafe_variant_may_lose_only_in_company(void **state)
{
    (void)state;
    assert_int_equal(check_one(&unsafe, 2, 1000, 400), 0);
    assert_int_equal(check_one(&unsafe, 1, 1000, 999), 1);
}

static void counter_moving_further_than_increments_fails(void **state)
{
    (void)state;
    assert_int_equal(check_one(&safe, 1, 1000, 1001), 1);
    assert_int_equal(check_one(&unsafe, 2, 1000, 1001), 1);
}

static void counts_past_int64_max_compare_wrapping(void **state)
{
    uint64_t ops = (UINT64_C(1) << 63) + 5;

    (void)state;
    assert_int_equal(check_one(&safe, 1, ops, INT64_MIN + 5), 0);
    assert_int_equal(check_one(&safe, 1, ops, INT64_MIN + 4), 1);
}

static void launch_increment_not_counted_fails(void **state)
{
    int proc_list[1] = {1};
    struct sc_bench_sample sample = {10, 10, 1.0, 1.0, 1.0};
    struct sc_bench_results r = {.repetitions = 1,
                                 .variants = {&safe},
                                 .variant_count = 1,
                                 .procs = proc_list,
                                 .proc_count = 1,
                                 .samples = &sample};
    struct sc_bench_launch_cost cost = {.increments = 3, .counted = 3};

    (void)state;
    assert_int_equal(sc__bench_check(&r, &cost), 0);
    cost.counted = 2;
    assert_int_equal(sc__bench_check(&r, &cost), 1);
}

/* A polling run is checked like any other: its writer must count every
 * increment, alone and beside the readers. */
static void polling_run_losing_an_increment_fails(void **state)
{
    struct sc_bench_sample alone = {10, 10, 1.0, 1.0, 1.0},
                           polled = {10, 10, 1.0, 1.0, 1.0};
    struct sc_bench_results r = {
        .repetitions = 1,
        .readers = 7,
        .polling = {{&safe, &safe, &alone, &polled, 0}},
        .polling_count = 1};

    (void)state;
    assert_int_equal(sc__bench_check(&r, NULL), 0);
    polled.counted = 9;
    assert_int_equal(sc__bench_check(&r, NULL), 1);
    alone.counted = 11;
    assert_int_equal(sc__bench_check(&r, NULL), 2);
}

static void temp_file(char *path)
{
    char dir[MAX_PATH];

    assert_true(GetTempPathA(sizeof dir, dir) != 0);
    assert_true(GetTempFileNameA(dir, "scb", 0, path) != 0);
}

/* Reads the file at path into text (size bytes, NUL included), then
 * removes it. */
static void read_and_remove(const char *path, char *text, size_t size)
{
    FILE *f = fopen(path, "rb");

    assert_non_null(f);
    size_t len = fread(text, 1, size - 1, f);
    fclose(f);
    remove(path);
    text[len] = '\0';
}

/* Two repetitions of limit and file-mapping with two processes: limit makes
 * 100 then 200 increments a second, file-mapping 50 both times, so the
 * paired ratio of the two is the median of 2 and 4. */
static void summary_csv_has_medians_and_paired_ratios(void **state)
{
    static const struct sc_bench_variant limit = {"limit", "",   1,    0, 1,
                                                  NULL,    NULL, NULL, 0};
    static const struct sc_bench_variant mapping = {
        "file-mapping", "", 1, 1, 1, NULL, NULL, NULL, 0};
    int proc_list[1] = {2};
    struct sc_bench_sample samples[4] = {
        {100, 100, 1.0, 1.0, 1.0},
        {200, 200, 1.0, 1.0, 1.0},
        {50, 50, 1.0, 1.0, 1.0},
        {50, 49, 1.0, 1.0, 1.0},
    };
    struct sc_bench_results r = {.duration_ms = 7,
                                 .repetitions = 2,
                                 .variants = {&limit, &mapping},
                                 .variant_count = 2,
                                 .procs = proc_list,
                                 .proc_count = 1,
                                 .samples = samples};
    char path[MAX_PATH], text[1024];

    (void)state;
    temp_file(path);
    assert_int_equal(sc__bench_write_csv(path, &r), 0);
    read_and_remove(path, text, sizeof text);
    assert_string_equal(
        text, "variant,processes,repetitions,duration_ms,ns_per_op,ops_per_s,"
              "ops_per_s_min,ops_per_s_max,cost_vs_limit,vs_file_mapping,"
              "increments,lost_updates\n"
              "limit,2,2,7,1.00,150,100,200,1.0000,3.0000,300,0\n"
              "file-mapping,2,2,7,1.00,50,50,50,3.0000,1.0000,100,1\n");
}

/* Runs bin/<program> with args; returns its exit code and its output. */
static DWORD run(const char *program, const char *args,
                 struct sc_child_output *output)
{
    char path[MAX_PATH + 32];
    struct sc_child child;
    DWORD code = 0;

    snprintf(path, sizeof path, "%s%s", SC_PROGRAMS_DIR, program);
    assert_int_equal(sc__child_start(&child, path, args, SC_CHILD_PIPE_OUTPUT),
                     0);
    assert_int_equal(sc__child_finish(&child, CHILD_TIMEOUT_MS, &code, output),
                     0);
    sc__child_close(&child);
    return code;
}

/* Runs program with args and checks its exit code and what it printed on
 * stdout (out) or stderr (err), whichever is not NULL. */
static void expect(const char *program, const char *args, DWORD code,
                   const char *out, const char *err)
{
    struct sc_child_output output;

    assert_int_equal(run(program, args, &output), code);
    if (out != NULL)
        assert_non_null(strstr(output.out, out));
    if (err != NULL)
        assert_non_null(strstr(output.err, err));
    sc__child_output_free(&output);
}

/* Runs program (no ".exe") with args and checks that it refuses them with
 * status 2, "<program>: <message>" and the line that points to --help. */
static void expect_usage_error(const char *program, const char *args,
                               const char *message)
{
    char exe[64], err[256];

    snprintf(exe, sizeof exe, "%s.exe", program);
    snprintf(err, sizeof err, "%s: %s\r\nTry '%s --help'.\r\n", program,
             message, program);
    expect(exe, args, 2, NULL, err);
}

static void bench_answers_help_and_version(void **state)
{
    (void)state;
    expect("counter_bench.exe", "--help", 0, "usage: counter_bench", NULL);
    expect("counter_bench.exe", "--help", 0,
           "--processes LIST    process counts, comma-separated, 1-64 "
           "(default 1,2,4,8)",
           NULL);
    expect("counter_bench.exe", "--help", 0,
           "--repetitions N     timed runs per variant and process count "
           "(1-1000, default 15)",
           NULL);
    expect("counter_bench.exe", "--duration 5 -h", 0, "(1-60000, default 50)",
           NULL);
    expect("counter_bench.exe", "--version", 0,
           "counter_bench " SC_VERSION_STRING "\r\n", NULL);
}

static void bench_rejects_bad_usage_with_status_2(void **state)
{
    (void)state;
    expect_usage_error("counter_bench", "--bogus",
                       "unknown option \"--bogus\"");
    expect_usage_error("counter_bench", "now", "unexpected argument \"now\"");
    expect_usage_error("counter_bench", "--repetitions",
                       "--repetitions needs a value");
    expect_usage_error("counter_bench", "--launches 1 --launches 2",
                       "--launches given more than once");
    expect_usage_error("counter_bench",
                       "--csv=", "--csv needs a value, not \"\"");
}

static void bench_rejects_values_out_of_range(void **state)
{
    (void)state;
    expect_usage_error("counter_bench", "--duration=0",
                       "--duration 0 is out of range (1 to 60000)");
    expect_usage_error("counter_bench", "--repetitions 1001",
                       "--repetitions 1001 is out of range (1 to 1000)");
    expect_usage_error("counter_bench", "--launches -1",
                       "--launches -1 is out of range (0 to 10000)");
    expect_usage_error("counter_bench", "--duration 5ms",
                       "--duration needs a whole number, not \"5ms\"");
}

static void bench_rejects_bad_process_lists(void **state)
{
    (void)state;
    expect_usage_error("counter_bench", "--processes 1,1",
                       "--processes lists 1 twice");
    expect_usage_error("counter_bench", "--processes 2,65",
                       "--processes 65 is out of range (1 to 64)");
    expect_usage_error("counter_bench", "--processes 1,,2",
                       "--processes needs whole numbers separated by commas, "
                       "not \"1,,2\"");
    expect_usage_error("counter_bench", "--processes 1,2,3,4,5,6,7,8,9",
                       "--processes takes at most 8 numbers");
}

static void bench_worker_needs_a_launcher_pid(void **state)
{
    (void)state;
    expect_usage_error("counter_bench", "--worker", "--worker needs a value");
    expect_usage_error("counter_bench", "--worker me",
                       "--worker needs a whole number, not \"me\"");
    expect_usage_error("counter_bench", "--worker 0",
                       "--worker 0 is out of range (1 to 4294967295)");
    expect_usage_error("counter_bench", "--worker 8 --duration 5",
                       "unknown option \"--duration\"");
}

/* The process counts of the first variant, as the CSV of single runs lists
 * them. */
static void given_process_counts_run_in_ascending_order(void **state)
{
    char path[MAX_PATH], args[MAX_PATH + 128], text[4096];
    int first, second;

    (void)state;
    temp_file(path);
    snprintf(args, sizeof args,
             "--processes=3,1 --repetitions 1 --duration 1 --launches 0 "
             "--wakes 0 "
             "--runs-csv \"%s\"",
             path);
    expect("counter_bench.exe", args, 0, NULL, NULL);
    read_and_remove(path, text, sizeof text);
    const char *row = strchr(text, '\n');
    assert_non_null(row);
    assert_int_equal(sscanf(row + 1, "%*[^,],%d", &first), 1);
    row = strchr(row + 1, '\n');
    assert_non_null(row);
    assert_int_equal(sscanf(row + 1, "%*[^,],%d", &second), 1);
    assert_int_equal(first, 1);
    assert_int_equal(second, 3);
}

/* Every pair runs, the readers' with the readers asked for, and
 * "--readers 0" skips them; a few timed wakes report their latency. */
static void polling_runs_report_both_pairs(void **state)
{
    static const char *const quick =
        "--processes 1 --repetitions 1 --duration 1 --launches 0";
    char args[128];
    struct sc_child_output output;

    (void)state;
    snprintf(args, sizeof args, "%s --readers 2 --wakes 5", quick);
    assert_int_equal(run("counter_bench.exe", args, &output), 0);
    assert_non_null(strstr(output.out, "1 writer + 2 readers polling"));
    assert_non_null(strstr(output.out, "sharedcounter + 2 sc-get"));
    assert_non_null(strstr(output.out, "sharedcounter + 2 sc-view"));
    assert_non_null(strstr(output.out, "sharedcounter + 1 sc-wait"));
    assert_non_null(strstr(output.out, "sharedcounter + 8 sc-wait"));
    assert_non_null(strstr(output.out, "file-mapping  + 2 locked-read"));
    assert_non_null(strstr(output.out, "5 wakes:"));
    assert_non_null(strstr(output.out, "    idle "));
    assert_non_null(strstr(output.out, "    2 busy writers "));
    sc__child_output_free(&output);

    snprintf(args, sizeof args, "%s --readers 0 --wakes 0", quick);
    assert_int_equal(run("counter_bench.exe", args, &output), 0);
    assert_null(strstr(output.out, "readers polling"));
    sc__child_output_free(&output);
}

static void probes_help_and_version_leave_the_counter(void **state)
{
    static const char *const probes[] = {"launch_client", "launch_plain"};
    char exe[32], version[64];

    (void)state;
    int64_t before = sc_get();
    for (int i = 0; i < 2; i++) {
        snprintf(exe, sizeof exe, "%s.exe", probes[i]);
        snprintf(version, sizeof version, "%s %s\r\n", probes[i],
                 SC_VERSION_STRING);
        expect(exe, "--help", 0, "usage: launch_", NULL);
        expect(exe, "--version", 0, version, NULL);
        expect_usage_error(probes[i], "--bogus", "unknown option \"--bogus\"");
        expect_usage_error(probes[i], "1", "unexpected argument \"1\"");
    }
    assert_int_equal(sc_get(), before);
}

static void only_the_client_probe_increments(void **state)
{
    (void)state;
    int64_t before = sc_get();
    expect("launch_plain.exe", NULL, 0, NULL, NULL);
    assert_int_equal(sc_get(), before);
    expect("launch_client.exe", NULL, 0, NULL, NULL);
    assert_int_equal(sc__wrapping_sub(sc_get(), before), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_counts_pass),
        cmocka_unit_test(safe_variant_losing_one_increment_fails),
        cmocka_unit_test(unsafe_variant_may_lose_only_in_company),
        cmocka_unit_test(counter_moving_further_than_increments_fails),
        cmocka_unit_test(counts_past_int64_max_compare_wrapping),
        cmocka_unit_test(launch_increment_not_counted_fails),
        cmocka_unit_test(polling_run_losing_an_increment_fails),
        cmocka_unit_test(summary_csv_has_medians_and_paired_ratios),
        cmocka_unit_test(bench_answers_help_and_version),
        cmocka_unit_test(bench_rejects_bad_usage_with_status_2),
        cmocka_unit_test(bench_rejects_values_out_of_range),
        cmocka_unit_test(bench_rejects_bad_process_lists),
        cmocka_unit_test(bench_worker_needs_a_launcher_pid),
        cmocka_unit_test(given_process_counts_run_in_ascending_order),
        cmocka_unit_test(polling_runs_report_both_pairs),
        cmocka_unit_test(probes_help_and_version_leave_the_counter),
        cmocka_unit_test(only_the_client_probe_increments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
