/*
 * Tests of the benchmark that need no timing, on both systems: the check
 * that fails a run which lost an update, the CSV it writes, its command
 * line, a short run of every part with its verdict last, and the two launch
 * probes (their --help and --version must not touch the counter).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "support.h"

/* report.c's counterparts in the programs' halves. */
const char sc__bench_program[] = SC_BENCH_NAME;
const struct sc_bench_goals sc__bench_goals = {1.15, 0.90, 0.90, 5000.0};

static const struct sc_bench_variant safe = {
    .name = "sharedcounter", .safe = 1, .shared = 1};
static const struct sc_bench_variant unsafe = {.name = "unsafe", .shared = 1};

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

/* Two repetitions of the limit and the peer with two processes: the limit
 * makes 100 then 200 increments a second, the peer 50 both times, so the
 * paired ratio of the two is the median of 2 and 4. */
static void summary_csv_has_medians_and_paired_ratios(void **state)
{
    static const struct sc_bench_variant limit = {
        .name = "limit", .role = SC_BENCH_LIMIT, .safe = 1};
    static const struct sc_bench_variant peer = {
        .name = "file-mapping", .role = SC_BENCH_PEER, .safe = 1, .shared = 1};
    static const char path[] = "test_bench_summary.csv";
    int proc_list[1] = {2};
    struct sc_bench_sample samples[4] = {
        {100, 100, 1.0, 1.0, 1.0},
        {200, 200, 1.0, 1.0, 1.0},
        {50, 50, 1.0, 1.0, 1.0},
        {50, 49, 1.0, 1.0, 1.0},
    };
    struct sc_bench_results r = {.duration_ms = 7,
                                 .repetitions = 2,
                                 .variants = {&limit, &peer},
                                 .variant_count = 2,
                                 .procs = proc_list,
                                 .proc_count = 1,
                                 .samples = samples};
    char text[1024];

    (void)state;
    assert_int_equal(sc__bench_write_csv(path, &r), 0);
    read_and_remove(path, text, sizeof text);
    assert_string_equal(
        text, "variant,processes,repetitions,duration_ms,ns_per_op,ops_per_s,"
              "ops_per_s_min,ops_per_s_max,cost_vs_limit,vs_peer,"
              "increments,lost_updates\n"
              "limit,2,2,7,1.00,150,100,200,1.0000,3.0000,300,0\n"
              "file-mapping,2,2,7,1.00,50,50,50,3.0000,1.0000,100,1\n");
}

/* ---- The programs ---- */

/* What a program printed, its line ends "\n" on both systems. */
struct run {
    int code;
    char out[16384];
    char err[4096];
};

static void copy_text(char *to, size_t size, const char *from)
{
    size_t n = 0;

    for (; *from != '\0' && n + 1 < size; from++)
        if (*from != '\r')
            to[n++] = *from;
    to[n] = '\0';
}

/* Runs the program name (no suffix) of the benchmark's folder with args,
 * separated by spaces, none of which has a space of its own; it dies with
 * this test. */
static void run(struct run *r, const char *name, const char *args)
{
    char path[4096];

    assert_true((size_t)snprintf(path, sizeof path, "%s%s" SC_EXE_SUFFIX,
                                 SC_BENCH_DIR, name) < sizeof path);
#if defined(_WIN32)
    struct sc_test_run result;
    sc__test_run(&result, path, args, NULL, 0);
    r->code = (int)result.exit_code;
    copy_text(r->out, sizeof r->out, result.output.out);
    copy_text(r->err, sizeof r->err, result.output.err);
    sc__test_run_free(&result);
#else
    enum { MAX_ARGS = 16 };
    char words[1024], *argv[MAX_ARGS] = {path};
    struct sc_test_child child;
    size_t n = 1;
    assert_true((size_t)snprintf(words, sizeof words, "%s",
                                 args != NULL ? args : "") < sizeof words);
    for (char *p = words; *p != '\0';) {
        if (*p == ' ') {
            *p++ = '\0';
            continue;
        }
        assert_true(n + 1 < MAX_ARGS);
        argv[n++] = p;
        while (*p != '\0' && *p != ' ')
            p++;
    }
    argv[n] = NULL;
    sc__test_child_start(&child, argv);
    r->code = sc__test_child_finish(&child, r->out, sizeof r->out);
    copy_text(r->err, sizeof r->err, child.errors);
#endif
}

/* Runs name with args and checks its exit code and what it printed on
 * stdout (out) or stderr (err), whichever is not NULL. */
static void expect(const char *name, const char *args, int code,
                   const char *out, const char *err)
{
    struct run *r = malloc(sizeof *r);

    assert_non_null(r);
    run(r, name, args);
    assert_int_equal(r->code, code);
    if (out != NULL)
        sc__test_assert_contains(r->out, out);
    if (err != NULL)
        sc__test_assert_contains(r->err, err);
    free(r);
}

/* Runs name with args and checks that it refuses them with status 2,
 * "<name>: <message>" and the line that points to --help. */
static void expect_usage_error(const char *name, const char *args,
                               const char *message)
{
    char err[256];

    snprintf(err, sizeof err, "%s: %s\nTry '%s --help'.\n", name, message,
             name);
    expect(name, args, 2, NULL, err);
}

static void bench_answers_help_and_version(void **state)
{
    (void)state;
    expect(SC_BENCH_NAME, "--help", 0, "usage: " SC_BENCH_NAME " [options]",
           NULL);
    expect(SC_BENCH_NAME, "--help", 0,
           "--processes LIST    process counts, comma-separated, 1-64 "
           "(default 1,2,4,8)",
           NULL);
    expect(SC_BENCH_NAME, "--help", 0,
           "--repetitions N     timed runs per variant and process count "
           "(1-1000, default 15)",
           NULL);
    expect(SC_BENCH_NAME, "--duration 5 -h", 0, "(1-60000, default 50)", NULL);
    expect(SC_BENCH_NAME, "--version", 0,
           SC_BENCH_NAME " " SC_VERSION_STRING "\n", NULL);
}

static void bench_rejects_bad_usage_with_status_2(void **state)
{
    (void)state;
    expect_usage_error(SC_BENCH_NAME, "--bogus", "unknown option \"--bogus\"");
    expect_usage_error(SC_BENCH_NAME, "now", "unexpected argument \"now\"");
    expect_usage_error(SC_BENCH_NAME, "--repetitions",
                       "--repetitions needs a value");
    expect_usage_error(SC_BENCH_NAME, "--launches 1 --launches 2",
                       "--launches given more than once");
    expect_usage_error(SC_BENCH_NAME,
                       "--csv=", "--csv needs a value, not \"\"");
}

static void bench_rejects_values_out_of_range(void **state)
{
    (void)state;
    expect_usage_error(SC_BENCH_NAME, "--duration=0",
                       "--duration 0 is out of range (1 to 60000)");
    expect_usage_error(SC_BENCH_NAME, "--repetitions 1001",
                       "--repetitions 1001 is out of range (1 to 1000)");
    expect_usage_error(SC_BENCH_NAME, "--launches -1",
                       "--launches -1 is out of range (0 to 10000)");
    expect_usage_error(SC_BENCH_NAME, "--wakes 10001",
                       "--wakes 10001 is out of range (0 to 10000)");
    expect_usage_error(SC_BENCH_NAME, "--duration 5ms",
                       "--duration needs a whole number, not \"5ms\"");
}

static void bench_rejects_bad_process_lists(void **state)
{
    (void)state;
    expect_usage_error(SC_BENCH_NAME, "--processes 1,1",
                       "--processes lists 1 twice");
    expect_usage_error(SC_BENCH_NAME, "--processes 2,65",
                       "--processes 65 is out of range (1 to 64)");
    expect_usage_error(SC_BENCH_NAME, "--processes 1,,2",
                       "--processes needs whole numbers separated by commas, "
                       "not \"1,,2\"");
    expect_usage_error(SC_BENCH_NAME, "--processes 1,2,3,4,5,6,7,8,9",
                       "--processes takes at most 8 numbers");
}

#if defined(_WIN32)
/* The workers are copies of the program, started with the launcher's id. */
static void bench_worker_needs_a_launcher_pid(void **state)
{
    (void)state;
    expect_usage_error(SC_BENCH_NAME, "--worker", "--worker needs a value");
    expect_usage_error(SC_BENCH_NAME, "--worker me",
                       "--worker needs a whole number, not \"me\"");
    expect_usage_error(SC_BENCH_NAME, "--worker 0",
                       "--worker 0 is out of range (1 to 4294967295)");
    expect_usage_error(SC_BENCH_NAME, "--worker 8 --duration 5",
                       "unknown option \"--duration\"");
}
#endif

/* The process counts of the first variant, as the CSV of single runs lists
 * them. */
static void given_process_counts_run_in_ascending_order(void **state)
{
    static const char path[] = "test_bench_runs.csv";
    char text[4096];
    int first, second;

    (void)state;
    expect(SC_BENCH_NAME,
           "--processes=3,1 --repetitions 1 --duration 1 --launches 0 "
           "--wakes 0 --readers 0 --runs-csv test_bench_runs.csv",
           0, NULL, NULL);
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

/* Every part of a run: the table, every pair of readers with the readers
 * asked for, a few timed wakes and the launch cost, and the verdict last;
 * "--readers 0" skips the readers. */
static void short_run_reports_every_part_and_ends_with_its_verdict(void **state)
{
    static const char *const parts[] = {
        "limit",
        "sharedcounter ",
        "lost updates",
        "client launch, start to exit, 2 launches each",
        "the clients' 3 increments moved the counter by 3",
        "1 writer + 2 readers polling",
        "sharedcounter + 2 sc-get",
        "sharedcounter + 2 sc-view",
        "sharedcounter + 1 sc-wait",
        "sharedcounter + 8 sc-wait",
        " + 2 locked-read",
        "5 wakes:",
        "    idle ",
        "    2 busy writers ",
    };
    static const char verdict[] =
        "lost updates: none in any run of a safe variant (each run checked)";
    struct run *r = malloc(sizeof *r);

    (void)state;
    assert_non_null(r);
    run(r, SC_BENCH_NAME,
        "--processes 1,2 --repetitions 1 --duration 1 --launches 2 "
        "--readers 2 --wakes 5");
    assert_int_equal(r->code, 0);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        sc__test_assert_contains(r->out, parts[i]);
    size_t len = strlen(r->out);
    assert_true(len > 0 && r->out[len - 1] == '\n');
    r->out[len - 1] = '\0';
    const char *last = strrchr(r->out, '\n');
    assert_non_null(last);
    assert_true(strncmp(last + 1, verdict, sizeof verdict - 1) == 0);

    run(r, SC_BENCH_NAME,
        "--processes 1 --repetitions 1 --duration 1 --launches 0 "
        "--readers 0 --wakes 0");
    assert_int_equal(r->code, 0);
    assert_null(strstr(r->out, "readers polling"));
    assert_null(strstr(r->out, "client launch"));
    free(r);
}

static void probes_help_and_version_leave_the_counter(void **state)
{
    static const char *const probes[] = {"launch_client", "launch_plain"};
    char version[64];

    (void)state;
    int64_t before = sc_get();
    for (int i = 0; i < 2; i++) {
        snprintf(version, sizeof version, "%s %s\n", probes[i],
                 SC_VERSION_STRING);
        expect(probes[i], "--help", 0, "usage: launch_", NULL);
        expect(probes[i], "--version", 0, version, NULL);
        expect_usage_error(probes[i], "--bogus", "unknown option \"--bogus\"");
        expect_usage_error(probes[i], "1", "unexpected argument \"1\"");
    }
    assert_int_equal(sc_get(), before);
}

static void only_the_client_probe_increments(void **state)
{
    (void)state;
    int64_t before = sc_get();
    expect("launch_plain", NULL, 0, NULL, NULL);
    assert_int_equal(sc_get(), before);
    expect("launch_client", NULL, 0, NULL, NULL);
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
#if defined(_WIN32)
        cmocka_unit_test(bench_worker_needs_a_launcher_pid),
#endif
        cmocka_unit_test(given_process_counts_run_in_ascending_order),
        cmocka_unit_test(
            short_run_reports_every_part_and_ends_with_its_verdict),
        cmocka_unit_test(probes_help_and_version_leave_the_counter),
        cmocka_unit_test(only_the_client_probe_increments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
