/*
 * Every client program refuses bad input the same way: a bad command line
 * gives exit code 2, a bad stdin line is reported on stderr and skipped (exit
 * code 1 at the end), and neither changes any counter. Good input of every
 * kind is accepted.
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
#include "support_clients.h"
#include "client.h"

struct program {
    const char *file;
    const char *name;
    int shares_dll; /* works on sharedcounter.dll's counter */
};

static struct program private_counter = {"private_counter.exe",
                                         "private_counter", 0};
static struct program shared_exe_counter = {"shared_exe_counter.exe",
                                            "shared_exe_counter", 0};
static struct program counter_client = {"counter_client.exe", "counter_client",
                                        1};
static struct program counter_dynamic = {"counter_dynamic.exe",
                                         "counter_dynamic", 1};
static struct program counter_worker = {"counter_worker.exe", "counter_worker",
                                        1};
static struct program counter_demo = {"counter_demo.exe", "counter_demo", 1};

enum { LONG_LINE_BYTES = 100 * 1024 };

/* Runs the program with args and input, and checks that the shared counter
 * of sharedcounter.dll did not move unless expected to. */
static void run(struct sc_test_run *result, const struct program *program,
                const char *args, const char *input, size_t len,
                int64_t expected_move)
{
    char path[MAX_PATH];
    int64_t before = sc_get();

    sc__test_path(path, sizeof path, NULL, program->file);
    sc__test_run(result, path, args, input, len);
    assert_int_equal(sc_get() - before, expected_move);
}

/* Collects every value line of out, which must hold nothing else. */
static size_t values_of(const char *out, int64_t *values, size_t max)
{
    size_t count = 0;
    char line[128];

    while (*out != '\0') {
        size_t len = strcspn(out, "\n");
        assert_true(len < sizeof line && count < max);
        memcpy(line, out, len);
        line[len] = '\0';
        if (sc__last_value(line, &values[count++]) != 0)
            fail_msg("not a value line: \"%s\"", line);
        out += len + (out[len] == '\n');
    }
    return count;
}

/* A bad stdin line or bad arguments, and what the error must say. */
struct refusal {
    const char *input; /* NULL: a line of LONG_LINE_BYTES */
    const char *message;
};

static const struct refusal bad_lines[] = {
    {"abc", "unknown command"},
    {"Q", "unknown command"},
    {"==", "unknown command"},
    {"+", "not a whole number"},
    {"-", "not a whole number"},
    {"+1x", "not a whole number"},
    {"+-1", "not a whole number"},
    {"+0x10", "not a whole number"},
    {" +1", "spaces are not allowed"},
    {"+1 ", "spaces are not allowed"},
    {"\t", "spaces are not allowed"},
    {"+9223372036854775808", "out of range"},
    {"-9223372036854775809", "out of range"},
    {"+99999999999999999999999", "out of range"},
    {NULL, "line too long"}, /* LONG_LINE_BYTES of '1' */
};

/* "=", the bad line, "=": both '=' must show the same value, and the bad
 * line must be reported as line 2. */
static void check_bad_line(const struct program *program,
                           const struct refusal *bad)
{
    size_t len = bad->input ? strlen(bad->input) : LONG_LINE_BYTES;
    char *input = malloc(len + 5); /* "=\n", the line, "\n=\n" */
    struct sc_test_run result;
    int64_t values[2];

    assert_non_null(input);
    memcpy(input, "=\n", 2);
    if (bad->input)
        memcpy(input + 2, bad->input, len);
    else
        memset(input + 2, '1', len);
    memcpy(input + 2 + len, "\n=\n", 3);
    run(&result, program, NULL, input, len + 5, 0);
    free(input);

    print_message("%s: %.30s\n", program->name,
                  bad->input ? bad->input : "(long)");
    assert_int_equal(result.exit_code, 1);
    assert_int_equal(values_of(result.output.out, values, 2), 2);
    assert_int_equal(values[0], values[1]);
    sc__test_assert_contains(result.output.err, "line 2:");
    sc__test_assert_contains(result.output.err, bad->message);
    sc__test_run_free(&result);
}

static void bad_lines_are_rejected(void **state)
{
    for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++)
        check_bad_line(*state, &bad_lines[i]);
}

/* A NUL cannot be in a C string literal's middle for strlen, so it gets its
 * own input. */
static void line_with_nul_is_rejected(void **state)
{
    static const char input[] = "=\n+1\0\n=\n";
    struct sc_test_run result;
    int64_t values[2];

    run(&result, *state, NULL, input, sizeof input - 1, 0);
    assert_int_equal(result.exit_code, 1);
    assert_int_equal(values_of(result.output.out, values, 2), 2);
    assert_int_equal(values[0], values[1]);
    sc__test_assert_contains(result.output.err, "line 2:");
    sc__test_assert_contains(result.output.err, "NUL");
    sc__test_run_free(&result);
}

/* One accepting case per command, relative to the first "=": the DLL's
 * counter may hold anything, the private ones start at 0. Adding INT64_MIN
 * twice, or INT64_MAX and its negation, comes back where it started. */
static void every_command_is_accepted(void **state)
{
    const struct program *program = *state;
    static const char input[] = "=\n\n+5\n-3\n=\n"
                                "-9223372036854775808\n-9223372036854775808\n"
                                "+9223372036854775807\n-9223372036854775807\n"
                                "+0\n-0\nq\n+100\n";
    const uint64_t offsets[] = {
        0, 1, 6, 3, 3, 3 + (uint64_t)INT64_MIN, 3, 3 + (uint64_t)INT64_MAX,
        3, 3, 3};
    enum { COUNT = sizeof offsets / sizeof offsets[0] };
    struct sc_test_run result;
    int64_t values[COUNT + 1];

    run(&result, program, NULL, input, sizeof input - 1,
        program->shares_dll ? 3 : 0);
    assert_int_equal(result.exit_code, 0);
    assert_string_equal(result.output.err, "");
    assert_int_equal(values_of(result.output.out, values, COUNT + 1), COUNT);
    if (program == &private_counter)
        assert_int_equal(values[0], 0);
    for (size_t i = 0; i < COUNT; i++)
        assert_int_equal(values[i],
                         (int64_t)((uint64_t)values[0] + offsets[i]));
    sc__test_run_free(&result);
}

/* End of input quits like "q": nothing at all is fine, and a last line
 * without a line ending still counts. */
static void end_of_input_quits(void **state)
{
    const struct program *program = *state;
    struct sc_test_run result;
    int64_t values[2];

    run(&result, program, NULL, "", 0, 0);
    assert_int_equal(result.exit_code, 0);
    assert_string_equal(result.output.out, "");
    sc__test_run_free(&result);

    run(&result, program, NULL, "=\n+2", 4, program->shares_dll ? 2 : 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.output.out, values, 2), 2);
    assert_int_equal(values[1] - values[0], 2);
    sc__test_run_free(&result);
}

static const struct refusal bad_arguments[] = {
    {"--bogus", "unknown option \"--bogus\""},
    {"-x", "unknown option"},
    {"stray", "unexpected argument \"stray\""},
    {"--times", "--times needs a value"},
    {"--delta", "--delta needs a value"},
    {"--times x", "--times needs a whole number"},
    {"--times 1x", "--times needs a whole number"},
    {"--times \"\"", "--times needs a whole number"},
    {"--times=", "--times needs a whole number"},
    {"--times -1", "--times -1 is out of range"},
    {"--times 99999999999999999999", "out of range"},
    {"--delta 9223372036854775808", "out of range"},
    {"--delta -9223372036854775809", "out of range"},
    {"--times 1 --times 2", "--times given more than once"},
    {"--times 1 stray", "unexpected argument"},
    {"--timesx 1", "unknown option"},
};

static void check_bad_arguments(const struct program *program, const char *args,
                                const char *message)
{
    struct sc_test_run result;

    print_message("%s %s\n", program->name, args);
    run(&result, program, args, "", 0, 0);
    assert_int_equal(result.exit_code, 2);
    assert_string_equal(result.output.out, "");
    sc__test_assert_contains(result.output.err, program->name);
    sc__test_assert_contains(result.output.err, message);
    sc__test_assert_contains(result.output.err, "--help");
    sc__test_run_free(&result);
}

static void bad_arguments_are_refused(void **state)
{
    for (size_t i = 0; i < sizeof bad_arguments / sizeof bad_arguments[0]; i++)
        check_bad_arguments(*state, bad_arguments[i].input,
                            bad_arguments[i].message);
}

static void demo_refuses_too_few_or_many_clients(void **state)
{
    (void)state;
    check_bad_arguments(&counter_demo, "--clients 0", "out of range (1 to 32)");
    check_bad_arguments(&counter_demo, "--clients 33",
                        "out of range (1 to 32)");
    check_bad_arguments(&counter_demo, "--times 1000000001", "out of range");
}

static void interactive_delta_needs_times(void **state)
{
    struct sc_test_run result;

    run(&result, *state, "--delta 5", "\n", 1, 0);
    assert_int_equal(result.exit_code, 2);
    assert_string_equal(result.output.out, "");
    sc__test_assert_contains(result.output.err, "--delta needs --times");
    sc__test_run_free(&result);
}

static void help_describes_usage(void **state)
{
    const struct program *program = *state;
    char usage[64];
    struct sc_test_run result;

    snprintf(usage, sizeof usage, "usage: %s", program->name);
    for (int i = 0; i < 2; i++) {
        run(&result, program, i == 0 ? "--help" : "-h", "", 0, 0);
        assert_int_equal(result.exit_code, 0);
        sc__test_assert_contains(result.output.out, usage);
        sc__test_assert_contains(result.output.out, "Exit status");
        sc__test_run_free(&result);
    }
}

/* Batch mode: adds D, N times, and prints the last value it saw. */
static void check_batch(const struct program *program, const char *args,
                        int64_t move, int64_t expected_last)
{
    struct sc_test_run result;
    int64_t value;

    run(&result, program, args, "", 0, move);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.output.out, &value, 1), 1);
    assert_int_equal(value, expected_last);
    sc__test_run_free(&result);
}

static void worker_adds_times_delta(void **state)
{
    (void)state;
    check_batch(&counter_worker, "--times 3 --delta -5", -15, sc_get() - 15);
    check_batch(&counter_worker, "", 1, sc_get() + 1);
    check_batch(&counter_worker, "--delta=4 --times=2", 8, sc_get() + 8);
    check_batch(&counter_worker, "--times 0 --delta 7", 0, sc_get());
    /* Two steps of INT64_MAX wrap: the counter ends 2 below where it was. */
    check_batch(&counter_worker, "--times 2 --delta 9223372036854775807", -2,
                sc_get() - 2);
}

static void private_counter_runs_in_batch_mode(void **state)
{
    (void)state;
    check_batch(&private_counter, "--times 4 --delta -9223372036854775808", 0,
                0);
    check_batch(&private_counter, "--times 1000", 0, 1000);
}

/* counter_dynamic in a folder of its own: no DLL there, or a DLL without
 * the functions it needs. Either way it must say so and exit 1. */
static void check_dynamic_alone(const char *dll, const char *message)
{
    char dir[MAX_PATH], path[MAX_PATH];
    struct sc_test_run result;

    sc__test_make_dir(dir, sizeof dir);
    sc__test_copy("counter_dynamic.exe", dir, "counter_dynamic.exe");
    if (dll != NULL)
        sc__test_copy(dll, dir, "sharedcounter.dll");
    sc__test_path(path, sizeof path, dir, "counter_dynamic.exe");
    sc__test_run(&result, path, NULL, "=\n", 2);
    sc__test_remove_dir(dir);

    assert_int_equal(result.exit_code, 1);
    assert_string_equal(result.output.out, "");
    sc__test_assert_contains(result.output.err, "sharedcounter.dll");
    sc__test_assert_contains(result.output.err, message);
    sc__test_run_free(&result);
}

static void dynamic_reports_missing_dll(void **state)
{
    (void)state;
    check_dynamic_alone(NULL, "cannot load");
}

static void dynamic_reports_missing_function(void **state)
{
    (void)state;
    check_dynamic_alone("support_partial_counter.dll",
                        "has no function sc_add");
}

#define FOR_PROGRAM(test, program)                                             \
    {                                                                          \
#test " (" #program ")", test, NULL, NULL, &program                    \
    }
#define FOR_INTERACTIVE(test)                                                  \
    FOR_PROGRAM(test, private_counter), FOR_PROGRAM(test, shared_exe_counter), \
        FOR_PROGRAM(test, counter_client), FOR_PROGRAM(test, counter_dynamic)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FOR_INTERACTIVE(bad_lines_are_rejected),
        FOR_INTERACTIVE(line_with_nul_is_rejected),
        FOR_INTERACTIVE(every_command_is_accepted),
        FOR_INTERACTIVE(end_of_input_quits),
        FOR_INTERACTIVE(bad_arguments_are_refused),
        FOR_PROGRAM(bad_arguments_are_refused, counter_worker),
        FOR_PROGRAM(bad_arguments_are_refused, counter_demo),
        cmocka_unit_test(demo_refuses_too_few_or_many_clients),
        FOR_INTERACTIVE(interactive_delta_needs_times),
        FOR_INTERACTIVE(help_describes_usage),
        FOR_PROGRAM(help_describes_usage, counter_worker),
        FOR_PROGRAM(help_describes_usage, counter_demo),
        cmocka_unit_test(worker_adds_times_delta),
        cmocka_unit_test(private_counter_runs_in_batch_mode),
        cmocka_unit_test(dynamic_reports_missing_dll),
        cmocka_unit_test(dynamic_reports_missing_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
