/*
 * Every client program refuses bad input the same way: a bad command line
 * gives exit code 2, a bad stdin line is reported on stderr and skipped (exit
 * code 1 at the end), and neither changes any counter. Good input of every
 * kind is accepted. Every program answers --help and --version without
 * touching a counter; the interactive ones print the value when they start
 * and say what other processes added in between.
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

#include "runner.h"
#include "options.h"
#include "sharedcounter.h"
#include "support.h"

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
    assert_int_equal(sc__wrapping_sub(sc_get(), before), expected_move);
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
    {"quit2", "unknown command"},
    {"==", "not a whole number after ="},
    {"=x", "not a whole number after ="},
    {"5x", "not a whole number"},
    {"+", "not a whole number"},
    {"-", "not a whole number"},
    {"+1x", "not a whole number"},
    {"+-1", "not a whole number"},
    {"+0x10", "not a whole number"},
    {" +1", "spaces are not allowed"},
    {"+1 ", "spaces are not allowed"},
    {"= 5", "spaces are not allowed"},
    {"\t", "\"\\t\": control characters are not allowed"},
    {"+1\x04", "\"+1\\x04\": control characters are not allowed"},
    {"+1\r2", "\"+1\\r2\": control characters are not allowed"},
    {"\x1a", "\"\\x1a\": control characters are not allowed"},
    {"\x7f", "\"\\x7f\": control characters"},
    {"+9223372036854775808", "out of range"},
    {"-9223372036854775809", "out of range"},
    {"=9223372036854775808", "out of range"},
    {"+99999999999999999999999", "out of range"},
    {NULL, "line too long"}, /* LONG_LINE_BYTES of '1' */
};

/* "=", the bad line, "=": the start value and both '=' must be the same,
 * and the bad line must be reported as line 2. A 0x1A byte in the bad line
 * must not end the input: the second '=' is still answered. */
static void check_bad_line(const struct program *program,
                           const struct refusal *bad)
{
    size_t len = bad->input ? strlen(bad->input) : LONG_LINE_BYTES;
    char *input = malloc(len + 5); /* "=\n", the line, "\n=\n" */
    struct sc_test_run result;
    int64_t values[3];

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
    assert_int_equal(values_of(result.output.out, values, 3), 3);
    assert_int_equal(values[0], values[1]);
    assert_int_equal(values[1], values[2]);
    sc__test_assert_contains(result.output.err, "line 2:");
    sc__test_assert_contains(result.output.err, bad->message);
    assert_null(strchr(result.output.err, '?'));
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
    int64_t values[3];

    run(&result, *state, NULL, input, sizeof input - 1, 0);
    assert_int_equal(result.exit_code, 1);
    assert_int_equal(values_of(result.output.out, values, 3), 3);
    assert_int_equal(values[1], values[2]);
    sc__test_assert_contains(result.output.err, "line 2:");
    sc__test_assert_contains(result.output.err,
                             "\"+1\\x00\": control characters");
    sc__test_run_free(&result);
}

/* One accepting case per command, relative to the start value: the DLL's
 * counter may hold anything, the private ones start at 0. Adding INT64_MIN
 * twice, or INT64_MAX and its negation, comes back where it started. A bare
 * number adds like +N. */
static void every_command_is_accepted(void **state)
{
    const struct program *program = *state;
    static const char input[] = "=\n\n+5\n-3\n=\n"
                                "-9223372036854775808\n-9223372036854775808\n"
                                "+9223372036854775807\n-9223372036854775807\n"
                                "+0\n-0\n7\n0\nq\n+100\n";
    const uint64_t offsets[] = {
        0, 0, 1, 6,  3, 3, 3 + (uint64_t)INT64_MIN, 3, 3 + (uint64_t)INT64_MAX,
        3, 3, 3, 10, 10};
    enum { COUNT = sizeof offsets / sizeof offsets[0] };
    struct sc_test_run result;
    int64_t values[COUNT + 1];

    run(&result, program, NULL, input, sizeof input - 1,
        program->shares_dll ? 10 : 0);
    assert_int_equal(result.exit_code, 0);
    assert_string_equal(result.output.err, "");
    assert_int_equal(values_of(result.output.out, values, COUNT + 1), COUNT);
    if (program == &private_counter)
        assert_int_equal(values[0], 0);
    for (size_t i = 0; i < COUNT; i++)
        assert_int_equal(values[i],
                         sc__wrapping_add(values[0], (int64_t)offsets[i]));
    sc__test_run_free(&result);
}

/* End of input quits like "q": nothing at all is fine (only the start
 * value is printed), and a last line without a line ending still counts. */
static void end_of_input_quits(void **state)
{
    const struct program *program = *state;
    struct sc_test_run result;
    int64_t values[3];

    run(&result, program, NULL, "", 0, 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.output.out, values, 3), 1);
    sc__test_run_free(&result);

    run(&result, program, NULL, "=\n+2", 4, program->shares_dll ? 2 : 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.output.out, values, 3), 3);
    assert_int_equal(sc__wrapping_sub(values[2], values[1]), 2);
    sc__test_run_free(&result);
}

/* "quit" quits like "q": nothing after it is read. */
static void quit_ends_the_session(void **state)
{
    struct sc_test_run result;
    int64_t value;

    run(&result, *state, NULL, "quit\n+5\n", 8, 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.output.out, &value, 1), 1);
    assert_string_equal(result.output.err, "");
    sc__test_run_free(&result);
}

/* "=N" sets the value (sc_exchange in the clients of the DLL): the DLL's
 * counter is set 10 above where it is, so that the test can tell the move. */
static void set_command_sets_the_value(void **state)
{
    const struct program *program = *state;
    int64_t target = program->shares_dll ? sc__wrapping_add(sc_get(), 10) : 42;
    char input[64];
    struct sc_test_run result;
    int64_t values[3];

    snprintf(input, sizeof input, "=%lld\n=\n", (long long)target);
    run(&result, program, NULL, input, strlen(input),
        program->shares_dll ? 10 : 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.output.out, values, 3), 3);
    assert_int_equal(values[1], target);
    assert_int_equal(values[2], target);
    sc__test_run_free(&result);
}

/* "help" lists the commands on stdout and changes nothing. */
static void help_command_lists_the_commands(void **state)
{
    struct sc_test_run result;

    run(&result, *state, NULL, "help\n", 5, 0);
    assert_int_equal(result.exit_code, 0);
    sc__test_assert_contains(result.output.out, "ENTER alone adds 1");
    sc__test_assert_contains(result.output.out, "=N ");
    sc__test_assert_contains(result.output.out, "q, quit");
    assert_string_equal(result.output.err, "");
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
    {"--version=1", "unknown option \"--version=1\""},
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
    sc__test_assert_contains(result.output.err, "\nTry '");
    sc__test_assert_contains(result.output.err, " --help'.");
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
        sc__test_assert_contains(result.output.out, "--version");
        sc__test_assert_contains(result.output.out, "Exit status");
        if (program != &counter_worker && program != &counter_demo)
            sc__test_assert_contains(result.output.out, "ENTER alone adds 1");
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
    check_batch(&counter_worker, "--times 3 --delta -5", -15,
                sc__wrapping_add(sc_get(), -15));
    check_batch(&counter_worker, "", 1, sc__wrapping_add(sc_get(), 1));
    check_batch(&counter_worker, "--delta=4 --times=2", 8,
                sc__wrapping_add(sc_get(), 8));
    check_batch(&counter_worker, "--times 0 --delta 7", 0, sc_get());
    /* Two steps of INT64_MAX wrap: the counter ends 2 below where it was. */
    check_batch(&counter_worker, "--times 2 --delta 9223372036854775807", -2,
                sc__wrapping_add(sc_get(), -2));
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
    sc__test_run_alone(&result, path, NULL, "=\n", 2);
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

/* --version names the program and its version; a client of the DLL also
 * names the DLL it loaded: version, build and full path. */
static void version_names_program_and_dll(void **state)
{
    const struct program *program = *state;
    char expected[MAX_PATH + 32], dll[MAX_PATH];
    struct sc_test_run result;

    run(&result, program, "--version", "", 0, 0);
    assert_int_equal(result.exit_code, 0);
    snprintf(expected, sizeof expected, "%s %s\r\n", program->name,
             SC_VERSION_STRING);
    assert_memory_equal(result.output.out, expected, strlen(expected));
    if (program->shares_dll && program != &counter_demo) {
        sc__test_path(dll, sizeof dll, NULL, "sharedcounter.dll");
        snprintf(expected, sizeof expected, "DLL path:    %s\r\n", dll);
        sc__test_assert_contains(result.output.out,
                                 "DLL version: " SC_VERSION_STRING "\r\n");
        sc__test_assert_contains(result.output.out, "DLL build:   section\r\n");
        sc__test_assert_contains(result.output.out, expected);
    } else {
        assert_null(strstr(result.output.out, "DLL"));
    }
    assert_string_equal(result.output.err, "");
    sc__test_run_free(&result);
}

/* One line to an interactive session, and the whole line it answers. */
static void session_line(struct sc_child *child, const char *command,
                         char *reply, size_t size)
{
    assert_int_equal(sc__child_write(child, command, strlen(command)), 0);
    assert_int_equal(sc__child_write(child, "\n", 1), 0);
    assert_int_equal(sc__child_read_line(child, reply, size), 0);
}

/* Neither --help nor --version changes any counter: an interactive session
 * of the same program (which keeps shared_exe_counter's counter alive)
 * sees its value unchanged afterwards, and so does this test for the
 * DLL's counter (run() checks that). */
static void help_and_version_change_no_counter(void **state)
{
    const struct program *program = *state;
    struct sc_child session;
    struct sc_test_run result;
    char path[MAX_PATH], reply[128], expected[64];

    sc__test_path(path, sizeof path, NULL, program->file);
    int64_t start = sc__test_session_start(&session, path);
    for (int i = 0; i < 2; i++) {
        run(&result, program, i == 0 ? "--help" : "--version", "", 0, 0);
        assert_int_equal(result.exit_code, 0);
        sc__test_run_free(&result);
    }
    session_line(&session, "=", reply, sizeof reply);
    snprintf(expected, sizeof expected, "counter: %lld", (long long)start);
    assert_string_equal(reply, expected);
    sc__test_session_end(&session);
}

static void worker_help_and_version_change_no_counter(void **state)
{
    struct sc_test_run result;
    (void)state;

    for (int i = 0; i < 2; i++) {
        run(&result, &counter_worker, i == 0 ? "--help" : "--version", "", 0,
            0);
        assert_int_equal(result.exit_code, 0);
        assert_int_equal(sc__last_value(result.output.out, &(int64_t){0}), -1);
        sc__test_run_free(&result);
    }
}

/* The value line says what other processes added since the line before:
 * this test process for the DLL's counter, a second session for the EXE's
 * shared section, nobody for the private counter. */
static void changes_by_other_processes_are_shown(void **state)
{
    const struct program *program = *state;
    struct sc_child session, other;
    char path[MAX_PATH], reply[128], expected[128];

    sc__test_path(path, sizeof path, NULL, program->file);
    int64_t start = sc__test_session_start(&session, path);
    sc__test_session_start(&other, path);
    if (program->shares_dll)
        sc_add(12);
    else
        sc__test_session_send(&other, "+12");
    session_line(&session, "+1", reply, sizeof reply);
    if (program == &private_counter)
        snprintf(expected, sizeof expected, "counter: %lld",
                 (long long)sc__wrapping_add(start, 1));
    else
        snprintf(expected, sizeof expected,
                 "counter: %lld (+12 from other processes)",
                 (long long)sc__wrapping_add(start, 13));
    assert_string_equal(reply, expected);
    /* Nothing happened elsewhere since: no note. */
    session_line(&session, "=", reply, sizeof reply);
    assert_null(strchr(reply, '('));
    if (program->shares_dll)
        sc_add(-12);
    else
        sc__test_session_send(&other, "-12");
    session_line(&session, "=", reply, sizeof reply);
    if (program != &private_counter)
        sc__test_assert_contains(reply, "(-12 from other processes)");
    sc__test_session_end(&other);
    sc__test_session_end(&session);
}

/* counter_client next to the hardened DLL, renamed as the docs say: its
 * --version names the hardened build, read from the DLL itself. */
static void version_names_the_hardened_build(void **state)
{
    const char *dir = *state;
    char path[MAX_PATH];
    struct sc_test_run result;

    sc__test_copy("counter_client.exe", dir, "counter_client.exe");
    sc__test_copy("sharedcounter_hardened.dll", dir, "sharedcounter.dll");
    sc__test_path(path, sizeof path, dir, "counter_client.exe");
    sc__test_run(&result, path, "--version", "", 0);
    assert_int_equal(result.exit_code, 0);
    sc__test_assert_contains(result.output.out, "DLL build:   hardened\r\n");
    sc__test_assert_contains(result.output.out, dir);
    sc__test_run_free(&result);
}

/* A text file in the DLL's place: the loader's error 193, whose system
 * text has a "%1" for the caller to fill in, is told in plain words. */
static void dynamic_reports_a_file_that_is_no_dll(void **state)
{
    const char *dir = *state;
    char path[MAX_PATH];
    struct sc_test_run result;
    FILE *text;

    sc__test_copy("counter_dynamic.exe", dir, "counter_dynamic.exe");
    sc__test_path(path, sizeof path, dir, "sharedcounter.dll");
    text = fopen(path, "w");
    assert_non_null(text);
    fputs("not a DLL\n", text);
    fclose(text);
    sc__test_path(path, sizeof path, dir, "counter_dynamic.exe");
    sc__test_run(&result, path, NULL, "=\n", 2);
    assert_int_equal(result.exit_code, 1);
    assert_string_equal(result.output.out, "");
    sc__test_assert_contains(result.output.err,
                             "sharedcounter.dll: not a valid Windows program "
                             "(error 193)");
    assert_null(strchr(result.output.err, '%'));
    sc__test_run_free(&result);
}

/* A folder name the ANSI code page cannot spell: CJK, accented, emoji. */
static const wchar_t non_ansi_name[] = L"\u8a08\u6570-\u00e9-\U0001F600";
static const char non_ansi_utf8[] =
    "\xe8\xa8\x88\xe6\x95\xb0-\xc3\xa9-\xf0\x9f\x98\x80";
static const char *const non_ansi_files[] = {
    "counter_dynamic.exe", "counter_client.exe", "sharedcounter.dll"};
enum { NON_ANSI_FILES = sizeof non_ansi_files / sizeof non_ansi_files[0] };

static void wide_path(wchar_t *buf, size_t size, const char *dir,
                      const char *file)
{
    int n = _snwprintf(buf, size, L"%S%ls\\%S", dir, non_ansi_name,
                       file ? file : "");
    assert_true(n > 0 && (size_t)n < size);
}

/* counter_dynamic and counter_client copied into that folder, with their
 * DLL, and started from there (as the current folder, since the test
 * starts programs by ANSI path): both load the DLL next to them, count,
 * and show the folder in UTF-8. */
static void clients_run_from_a_non_ansi_folder(void **state)
{
    const char *dir = *state;
    wchar_t folder[MAX_PATH], from[MAX_PATH], to[MAX_PATH], cwd[MAX_PATH];
    struct sc_test_run result;
    int64_t values[3];

    wide_path(folder, MAX_PATH, dir, NULL);
    assert_true(CreateDirectoryW(folder, NULL));
    for (size_t i = 0; i < NON_ANSI_FILES; i++) {
        char source[MAX_PATH];
        sc__test_path(source, sizeof source, NULL, non_ansi_files[i]);
        _snwprintf(from, MAX_PATH, L"%S", source);
        wide_path(to, MAX_PATH, dir, non_ansi_files[i]);
        assert_true(CopyFileW(from, to, TRUE));
    }
    assert_true(GetCurrentDirectoryW(MAX_PATH, cwd) > 0);
    assert_true(SetCurrentDirectoryW(folder));
    for (size_t i = 0; i < 2; i++) {
        sc__test_run(&result, non_ansi_files[i], "--version", "", 0);
        assert_int_equal(result.exit_code, 0);
        sc__test_assert_contains(result.output.out, non_ansi_utf8);
        sc__test_run_free(&result);
        sc__test_run(&result, non_ansi_files[i], NULL, "=\n+2\n", 5);
        assert_int_equal(result.exit_code, 0);
        assert_int_equal(values_of(result.output.out, values, 3), 3);
        assert_int_equal(sc__wrapping_sub(values[2], values[1]), 2);
        sc__test_run_free(&result);
    }
    SetCurrentDirectoryW(cwd);
    for (size_t i = 0; i < NON_ANSI_FILES; i++) {
        wide_path(to, MAX_PATH, dir, non_ansi_files[i]);
        for (int attempt = 0; attempt < 50 && !DeleteFileW(to); attempt++)
            sc__sleep_ms(20);
    }
    assert_true(RemoveDirectoryW(folder));
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
        FOR_INTERACTIVE(quit_ends_the_session),
        FOR_INTERACTIVE(set_command_sets_the_value),
        FOR_INTERACTIVE(help_command_lists_the_commands),
        FOR_INTERACTIVE(changes_by_other_processes_are_shown),
        FOR_INTERACTIVE(bad_arguments_are_refused),
        FOR_PROGRAM(bad_arguments_are_refused, counter_worker),
        FOR_PROGRAM(bad_arguments_are_refused, counter_demo),
        cmocka_unit_test(demo_refuses_too_few_or_many_clients),
        FOR_INTERACTIVE(interactive_delta_needs_times),
        FOR_INTERACTIVE(help_describes_usage),
        FOR_PROGRAM(help_describes_usage, counter_worker),
        FOR_PROGRAM(help_describes_usage, counter_demo),
        FOR_INTERACTIVE(version_names_program_and_dll),
        FOR_PROGRAM(version_names_program_and_dll, counter_worker),
        FOR_PROGRAM(version_names_program_and_dll, counter_demo),
        FOR_INTERACTIVE(help_and_version_change_no_counter),
        cmocka_unit_test(worker_help_and_version_change_no_counter),
        cmocka_unit_test(worker_adds_times_delta),
        cmocka_unit_test(private_counter_runs_in_batch_mode),
        cmocka_unit_test(dynamic_reports_missing_dll),
        cmocka_unit_test(dynamic_reports_missing_function),
        cmocka_unit_test_setup_teardown(dynamic_reports_a_file_that_is_no_dll,
                                        sc__temp_dir_setup,
                                        sc__temp_dir_teardown),
        cmocka_unit_test_setup_teardown(version_names_the_hardened_build,
                                        sc__temp_dir_setup,
                                        sc__temp_dir_teardown),
        cmocka_unit_test_setup_teardown(clients_run_from_a_non_ansi_folder,
                                        sc__temp_dir_setup,
                                        sc__temp_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
