/*
 * The programs of clients/, run as child processes from the folder they are
 * built in, in one program for both systems. It links the library the
 * programs use (sharedcounter.dll in bin/; on Linux the built
 * libsharedcounter.so, found through the same RUNPATH), so the counter
 * lives on between programs and sc_get() shows what they did to it.
 *
 * Every program refuses bad input the same way: a bad command line gives
 * exit code 2, a bad stdin line is reported on stderr and skipped (exit
 * code 1 at the end), and neither changes any counter. Good input of every
 * kind is accepted. Every program answers --help and --version without
 * touching a counter; the interactive ones print the value when they start
 * and say what other processes added in between. Two sessions of
 * counter_client share the value, counter_dynamic shares it with a linked
 * client, counter_worker adds --times times --delta, to a --name'd counter
 * too; private counters never share and shared_exe_counter's do;
 * counter_demo's totals are exact, and it kills what outlives its time
 * limit.
 *
 * Windows only: counter_dynamic without its DLL, beside one that lacks a
 * function or is no DLL at all; --version beside the hardened DLL; the
 * clients in a folder that the ANSI code page cannot spell; lines ending in
 * "\r\n".
 */
#if !defined(_WIN32)
#define _GNU_SOURCE
#endif

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#endif

#include "runner.h"
#include "sharedcounter.h"
#include "support.h"

/* OUTPUT_SIZE holds any program's stdout (its --help is the longest). */
enum { MAX_ARGS = 6, OUTPUT_SIZE = 8192, LONG_LINE_BYTES = 100 * 1024 };

/* A program's arguments: the slots after the last one are NULL. */
#define ARGS(...) ((const char *const[MAX_ARGS]){__VA_ARGS__})
#define NO_ARGS ARGS(NULL)

struct program {
    const char *name;
    int interactive; /* reads commands on stdin unless given --times */
    int library;     /* works on the counter of the library this test links */
};

static struct program private_counter = {"private_counter", 1, 0};
static struct program shared_exe_counter = {"shared_exe_counter", 1, 0};
static struct program counter_client = {"counter_client", 1, 1};
static struct program counter_dynamic = {"counter_dynamic", 1, 1};
static struct program counter_worker = {"counter_worker", 0, 1};
static struct program counter_demo = {"counter_demo", 0, 1};
static struct program counter_watch = {"counter_watch", 0, 1};
static struct program counter_wait = {"counter_wait", 0, 1};

/* ---- the platform's part ------------------------------------------------ */

#if defined(_WIN32)

static int child_write(struct sc_test_child *child, const char *data,
                       size_t len)
{
    return sc__child_write(&child->child, data, len) == 0 ? 0 : -1;
}

/* What --version adds for a program that uses the library: the version and
 * build of the DLL it loaded, bin/'s, and its full path. */
static void library_lines(char *buf, size_t size)
{
    char dll[MAX_PATH];

    sc__test_path(dll, sizeof dll, NULL, SC_LIBRARY_NAME);
    snprintf(buf, size,
             "DLL version: " SC_VERSION_STRING "\n"
             "DLL build:   section\n"
             "DLL path:    %s\n",
             dll);
}

#else /* POSIX */

/* A program that has exited breaks the pipe: SIGPIPE, which would end the
 * test, is held back while this writes, and taken back if it came, so that
 * the write fails with EPIPE instead. */
static int child_write(struct sc_test_child *child, const char *data,
                       size_t len)
{
    sigset_t pipe_signal, was;
    int failed = 0;

    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_signal, &was);
    while (len > 0 && !failed) {
        ssize_t n = write(child->in, data, len);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
        } else if (n < 0 && errno != EINTR) {
            failed = 1;
        }
    }
    if (failed && errno == EPIPE)
        sigtimedwait(&pipe_signal, NULL, &(struct timespec){0, 0});
    sigprocmask(SIG_SETMASK, &was, NULL);
    return failed ? -1 : 0;
}

/* What --version adds for a program that uses the library: its version and
 * the full path of the built file, which the programs load. */
static void library_lines(char *buf, size_t size)
{
    char library[4096];

    assert_non_null(realpath(SC_LIBRARY_FILE, library));
    snprintf(buf, size,
             "Library version: " SC_VERSION_STRING "\n"
             "Library path:    %s\n",
             library);
}

#endif

/* ---- running the programs ----------------------------------------------- */

/* sc__test_child_start_in() is given every slot of args: its list ends at
 * the first NULL, so the empty slots end it. */
static void start(struct sc_test_child *child, const struct program *program,
                  const char *const args[MAX_ARGS])
{
    _Static_assert(MAX_ARGS == 6, "start() passes six slots");
    char file[64];

    snprintf(file, sizeof file, "%s" SC_EXE_SUFFIX, program->name);
    sc__test_child_start_in(child, NULL, file, args[0], args[1], args[2],
                            args[3], args[4], args[5], NULL);
}

/* args with blanks between them, for messages. */
static const char *args_text(const char *const args[MAX_ARGS], char *buf,
                             size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < MAX_ARGS && args[i] != NULL && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 i > 0 ? " " : "", args[i]);
    return buf;
}

/* What a program run to its end left, with "\n" line endings. */
struct run {
    int exit_code;
    char out[OUTPUT_SIZE];
    char err[4096];
};

/* Runs the program with args and input (len bytes) on stdin, and checks
 * that the library's counter did not move unless expected to. The input
 * should draw little output: it is written before the output is read. */
static void run(struct run *result, const struct program *program,
                const char *const args[MAX_ARGS], const char *input, size_t len,
                int64_t expected_move)
{
    struct sc_test_child child;
    int64_t before = sc_get();

    start(&child, program, args);
    /* A program that exits without reading all of its input breaks the
     * pipe; that is no error here, its exit code tells the story. */
    if (len > 0)
        child_write(&child, input, len);
    result->exit_code =
        sc__test_child_finish(&child, result->out, sizeof result->out);
    snprintf(result->err, sizeof result->err, "%s", child.errors);
    assert_int_equal(sc__wrapping_sub(sc_get(), before), expected_move);
}

/* The value of a line "counter: V" or "counter: V (...)". */
static int64_t value_of(const char *line)
{
    int64_t value;

    if (sc__last_value(line, &value) != 0)
        fail_msg("not a value line: \"%s\"", line);
    return value;
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
        values[count++] = value_of(line);
        out += len + (out[len] == '\n');
    }
    return count;
}

/* An interactive session: returns the value it printed when it started. */
static int64_t session_start(struct sc_test_child *session,
                             const struct program *program)
{
    char line[128];

    start(session, program, NO_ARGS);
    sc__test_child_line(session, line, sizeof line);
    return value_of(line);
}

/* Sends one command line to a session: the whole line it answers is in
 * reply, its value returned. */
static int64_t command(struct sc_test_child *session, const char *line,
                       char *reply, size_t size)
{
    assert_int_equal(child_write(session, line, strlen(line)), 0);
    assert_int_equal(child_write(session, "\n", 1), 0);
    sc__test_child_line(session, reply, size);
    return value_of(reply);
}

/* Sends "q" and checks that the session exits with code 0. */
static void session_end(struct sc_test_child *session)
{
    assert_int_equal(child_write(session, "q\n", 2), 0);
    int status = sc__test_child_finish(session, NULL, 0);
    if (status != 0)
        fail_msg("a client exited with %d: %s", status, session->errors);
}

/* ---- bad input ---------------------------------------------------------- */

/* A bad stdin line, and what the error must say. */
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
    struct run result;
    int64_t values[3];

    assert_non_null(input);
    memcpy(input, "=\n", 2);
    if (bad->input)
        memcpy(input + 2, bad->input, len);
    else
        memset(input + 2, '1', len);
    memcpy(input + 2 + len, "\n=\n", 3);
    run(&result, program, NO_ARGS, input, len + 5, 0);
    free(input);

    print_message("%s: %.30s\n", program->name,
                  bad->input ? bad->input : "(long)");
    assert_int_equal(result.exit_code, 1);
    assert_int_equal(values_of(result.out, values, 3), 3);
    assert_int_equal(values[0], values[1]);
    assert_int_equal(values[1], values[2]);
    sc__test_assert_contains(result.err, "line 2:");
    sc__test_assert_contains(result.err, bad->message);
    assert_null(strchr(result.err, '?'));
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
    struct run result;
    int64_t values[3];

    run(&result, *state, NO_ARGS, input, sizeof input - 1, 0);
    assert_int_equal(result.exit_code, 1);
    assert_int_equal(values_of(result.out, values, 3), 3);
    assert_int_equal(values[1], values[2]);
    sc__test_assert_contains(result.err, "line 2:");
    sc__test_assert_contains(result.err, "\"+1\\x00\": control characters");
}

/* ---- the commands of an interactive session ---------------------------- */

/* One accepting case per command, relative to the start value: the
 * library's counter may hold anything, the private ones start at 0. Adding
 * INT64_MIN twice, or INT64_MAX and its negation, comes back where it
 * started. A bare number adds like +N. */
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
    struct run result;
    int64_t values[COUNT + 1];

    run(&result, program, NO_ARGS, input, sizeof input - 1,
        program->library ? 10 : 0);
    assert_int_equal(result.exit_code, 0);
    assert_string_equal(result.err, "");
    assert_int_equal(values_of(result.out, values, COUNT + 1), COUNT);
    if (program == &private_counter)
        assert_int_equal(values[0], 0);
    for (size_t i = 0; i < COUNT; i++)
        assert_int_equal(values[i],
                         sc__wrapping_add(values[0], (int64_t)offsets[i]));
}

/* End of input quits like "q": nothing at all is fine (only the start
 * value is printed), and a last line without a line ending still counts. */
static void end_of_input_quits(void **state)
{
    const struct program *program = *state;
    struct run result;
    int64_t values[3];

    run(&result, program, NO_ARGS, "", 0, 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.out, values, 3), 1);

    run(&result, program, NO_ARGS, "=\n+2", 4, program->library ? 2 : 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.out, values, 3), 3);
    assert_int_equal(sc__wrapping_sub(values[2], values[1]), 2);
}

/* "quit" quits like "q": nothing after it is read. */
static void quit_ends_the_session(void **state)
{
    struct run result;
    int64_t value;

    run(&result, *state, NO_ARGS, "quit\n+5\n", 8, 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.out, &value, 1), 1);
    assert_string_equal(result.err, "");
}

/* "=N" sets the value (sc_exchange in the clients of the library): the
 * library's counter is set 10 above where it is, so that the test can tell
 * the move. */
static void set_command_sets_the_value(void **state)
{
    const struct program *program = *state;
    int64_t target = program->library ? sc__wrapping_add(sc_get(), 10) : 42;
    char input[64];
    struct run result;
    int64_t values[3];

    snprintf(input, sizeof input, "=%" PRId64 "\n=\n", target);
    run(&result, program, NO_ARGS, input, strlen(input),
        program->library ? 10 : 0);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.out, values, 3), 3);
    assert_int_equal(values[1], target);
    assert_int_equal(values[2], target);
}

/* "help" lists the commands on stdout and changes nothing. */
static void help_command_lists_the_commands(void **state)
{
    struct run result;

    run(&result, *state, NO_ARGS, "help\n", 5, 0);
    assert_int_equal(result.exit_code, 0);
    sc__test_assert_contains(result.out, "ENTER alone adds 1");
    sc__test_assert_contains(result.out, "=N ");
    sc__test_assert_contains(result.out, "q, quit");
    assert_string_equal(result.err, "");
}

/* The value line says what other processes added since the line before:
 * this test process for the library's counter, a second session for the
 * EXE's shared variable, nobody for the private counter. */
static void changes_by_other_processes_are_shown(void **state)
{
    const struct program *program = *state;
    struct sc_test_child session, other;
    char reply[128], expected[128];

    int64_t start_value = session_start(&session, program);
    session_start(&other, program);
    if (program->library)
        sc_add(12);
    else
        command(&other, "+12", reply, sizeof reply);
    command(&session, "+1", reply, sizeof reply);
    if (program == &private_counter)
        snprintf(expected, sizeof expected, "counter: %" PRId64,
                 sc__wrapping_add(start_value, 1));
    else
        snprintf(expected, sizeof expected,
                 "counter: %" PRId64 " (+12 from other processes)",
                 sc__wrapping_add(start_value, 13));
    assert_string_equal(reply, expected);
    /* Nothing happened elsewhere since: no note. */
    command(&session, "=", reply, sizeof reply);
    assert_null(strchr(reply, '('));
    if (program->library)
        sc_add(-12);
    else
        command(&other, "-12", reply, sizeof reply);
    command(&session, "=", reply, sizeof reply);
    if (program != &private_counter)
        sc__test_assert_contains(reply, "(-12 from other processes)");
    session_end(&other);
    session_end(&session);
}

/* ---- the command line --------------------------------------------------- */

/* Bad arguments, and what the error must say. */
static const struct {
    const char *args[MAX_ARGS];
    const char *message;
} bad_arguments[] = {
    {{"--bogus"}, "unknown option \"--bogus\""},
    {{"-x"}, "unknown option"},
    {{"stray"}, "unexpected argument \"stray\""},
    {{"--times"}, "--times needs a value"},
    {{"--delta"}, "--delta needs a value"},
    {{"--times", "x"}, "--times needs a whole number"},
    {{"--times", "1x"}, "--times needs a whole number"},
    {{"--times", ""}, "--times needs a whole number"},
    {{"--times="}, "--times needs a whole number"},
    {{"--times", "-1"}, "--times -1 is out of range"},
    {{"--times", "99999999999999999999"}, "out of range"},
    {{"--delta", "9223372036854775808"}, "out of range"},
    {{"--delta", "-9223372036854775809"}, "out of range"},
    {{"--times", "1", "--times", "2"}, "--times given more than once"},
    {{"--times", "1", "stray"}, "unexpected argument"},
    {{"--timesx", "1"}, "unknown option"},
    {{"--version=1"}, "unknown option \"--version=1\""},
};

static void check_bad_arguments(const struct program *program,
                                const char *const args[MAX_ARGS],
                                const char *message)
{
    char text[128];
    struct run result;

    print_message("%s %s\n", program->name, args_text(args, text, sizeof text));
    run(&result, program, args, "", 0, 0);
    assert_int_equal(result.exit_code, 2);
    assert_string_equal(result.out, "");
    sc__test_assert_contains(result.err, program->name);
    sc__test_assert_contains(result.err, message);
    sc__test_assert_contains(result.err, "\nTry '");
    sc__test_assert_contains(result.err, " --help'.");
}

/* The options that the interactive clients, counter_worker and
 * counter_demo share (--times, --delta), given wrong. */
static void bad_arguments_are_refused(void **state)
{
    for (size_t i = 0; i < sizeof bad_arguments / sizeof bad_arguments[0]; i++)
        check_bad_arguments(*state, bad_arguments[i].args,
                            bad_arguments[i].message);
}

/* An unknown option, to every program: exit code 2, nothing on stdout, and
 * on stderr exactly the message and the way to the help. */
static void bad_usage_exits_2(void **state)
{
    const struct program *program = *state;
    char expected[256];
    struct run result;

    run(&result, program, ARGS("--bogus"), "", 0, 0);
    assert_int_equal(result.exit_code, 2);
    assert_string_equal(result.out, "");
    snprintf(expected, sizeof expected,
             "%s: unknown option \"--bogus\"\nTry '%s --help'.\n",
             program->name, program->name);
    assert_string_equal(result.err, expected);
}

static void demo_refuses_too_few_or_many_clients(void **state)
{
    (void)state;
    check_bad_arguments(&counter_demo, ARGS("--clients", "0"),
                        "--clients 0 is out of range (1 to 32)");
    check_bad_arguments(&counter_demo, ARGS("--clients", "33"),
                        "--clients 33 is out of range (1 to 32)");
    check_bad_arguments(&counter_demo, ARGS("--times", "1000000001"),
                        "--times 1000000001 is out of range");
}

static void interactive_delta_needs_times(void **state)
{
    struct run result;

    run(&result, *state, ARGS("--delta", "5"), "\n", 1, 0);
    assert_int_equal(result.exit_code, 2);
    assert_string_equal(result.out, "");
    sc__test_assert_contains(result.err, "--delta needs --times");
}

/* --help and -h: the usage first, then the options and the exit codes;
 * the interactive clients add their commands. */
static void help_describes_usage(void **state)
{
    const struct program *program = *state;
    char usage[64];
    struct run result;

    snprintf(usage, sizeof usage, "usage: %s", program->name);
    for (int i = 0; i < 2; i++) {
        run(&result, program, ARGS(i == 0 ? "--help" : "-h"), "", 0, 0);
        assert_int_equal(result.exit_code, 0);
        assert_memory_equal(result.out, usage, strlen(usage));
        sc__test_assert_contains(result.out, "--version");
        sc__test_assert_contains(result.out, "Exit status");
        if (program->interactive)
            sc__test_assert_contains(result.out, "ENTER alone adds 1");
        assert_string_equal(result.err, "");
    }
}

/* --version names the program and its version, then, for a program that
 * uses the library (but counter_demo, which reads it for its report), the
 * library it loaded (library_lines()), and nothing else. */
static void version_names_program_and_library(void **state)
{
    const struct program *program = *state;
    char expected[OUTPUT_SIZE];
    struct run result;

    run(&result, program, ARGS("--version"), "", 0, 0);
    assert_int_equal(result.exit_code, 0);
    int len = snprintf(expected, sizeof expected, "%s " SC_VERSION_STRING "\n",
                       program->name);
    if (program->library && program != &counter_demo)
        library_lines(expected + len, sizeof expected - (size_t)len);
    assert_string_equal(result.out, expected);
    assert_string_equal(result.err, "");
}

/* Neither --help nor --version changes any counter: an interactive session
 * of the same program (which keeps shared_exe_counter's counter alive)
 * sees its value unchanged afterwards, and so does this test for the
 * library's counter (run() checks that). */
static void help_and_version_change_no_counter(void **state)
{
    const struct program *program = *state;
    struct sc_test_child session;
    struct run result;
    char reply[128], expected[64];

    int64_t start_value = session_start(&session, program);
    for (int i = 0; i < 2; i++) {
        run(&result, program, ARGS(i == 0 ? "--help" : "--version"), "", 0, 0);
        assert_int_equal(result.exit_code, 0);
    }
    command(&session, "=", reply, sizeof reply);
    snprintf(expected, sizeof expected, "counter: %" PRId64, start_value);
    assert_string_equal(reply, expected);
    session_end(&session);
}

static void worker_help_and_version_change_no_counter(void **state)
{
    struct run result;
    (void)state;

    for (int i = 0; i < 2; i++) {
        run(&result, &counter_worker, ARGS(i == 0 ? "--help" : "--version"), "",
            0, 0);
        assert_int_equal(result.exit_code, 0);
        assert_int_equal(sc__last_value(result.out, &(int64_t){0}), -1);
    }
}

/* ---- batch mode --------------------------------------------------------- */

/* Adds D, N times, and prints the last value it saw. */
static void check_batch(const struct program *program,
                        const char *const args[MAX_ARGS], int64_t move,
                        int64_t expected_last)
{
    struct run result;
    int64_t value;

    run(&result, program, args, "", 0, move);
    assert_int_equal(result.exit_code, 0);
    assert_int_equal(values_of(result.out, &value, 1), 1);
    assert_int_equal(value, expected_last);
}

static void worker_adds_times_delta(void **state)
{
    (void)state;
    check_batch(&counter_worker, ARGS("--times", "3", "--delta", "-5"), -15,
                sc__wrapping_add(sc_get(), -15));
    check_batch(&counter_worker, NO_ARGS, 1, sc__wrapping_add(sc_get(), 1));
    check_batch(&counter_worker, ARGS("--delta=4", "--times=2"), 8,
                sc__wrapping_add(sc_get(), 8));
    check_batch(&counter_worker, ARGS("--times", "0", "--delta", "7"), 0,
                sc_get());
    /* Two steps of INT64_MAX wrap: the counter ends 2 below where it was. */
    check_batch(&counter_worker,
                ARGS("--times", "2", "--delta", "9223372036854775807"), -2,
                sc__wrapping_add(sc_get(), -2));
}

static void private_counter_runs_in_batch_mode(void **state)
{
    (void)state;
    check_batch(&private_counter,
                ARGS("--times", "4", "--delta", "-9223372036854775808"), 0, 0);
    check_batch(&private_counter, ARGS("--times", "1000"), 0, 1000);
}

/* counter_worker --name adds to that named counter and leaves the default
 * one alone; a name the table refuses exits 1 and prints nothing. This
 * process holds the library, so that the table stays between the workers. */
static void worker_adds_to_a_named_counter(void **state)
{
    struct run result;
    int64_t seen[2];

    (void)state;
    for (int i = 0; i < 2; i++) {
        run(&result, &counter_worker,
            ARGS("--name", "jobs_total{queue=\"a\"}", "--times", "3", "--delta",
                 "5"),
            "", 0, 0);
        assert_int_equal(result.exit_code, 0);
        seen[i] = value_of(result.out);
    }
    assert_true(seen[1] == sc__wrapping_add(seen[0], 15));

    run(&result, &counter_worker, ARGS("--name", "jobs_total{queue=a}"), "", 0,
        0);
    assert_int_equal(result.exit_code, 1);
    assert_string_equal(result.out, "");
    assert_string_equal(result.err,
                        "counter_worker: cannot open the counter "
                        "\"jobs_total{queue=a}\": not a valid name, or the "
                        "table is full\n");
}

/* ---- sharing ------------------------------------------------------------ */

static void two_client_sessions_share_the_value(void **state)
{
    struct sc_test_child a, b;
    char reply[128], note[128];

    (void)state;
    int64_t start_value = session_start(&a, &counter_client);
    assert_true(command(&a, "5", reply, sizeof reply) ==
                sc__wrapping_add(start_value, 5));
    assert_true(session_start(&b, &counter_client) ==
                sc__wrapping_add(start_value, 5));
    assert_true(command(&b, "+7", reply, sizeof reply) ==
                sc__wrapping_add(start_value, 12));
    int64_t seen = command(&a, "=", reply, sizeof reply);
    assert_true(seen == sc__wrapping_add(start_value, 12));
    snprintf(note, sizeof note,
             "counter: %" PRId64 " (+7 from other processes)", seen);
    assert_string_equal(reply, note);
    session_end(&b);
    session_end(&a);
}

static void dynamic_client_shares_with_a_linked_one(void **state)
{
    struct sc_test_child holder;
    struct run result;
    char reply[128];

    (void)state;
    int64_t start_value = session_start(&holder, &counter_client);
    run(&result, &counter_dynamic, ARGS("--times", "10", "--delta", "2"), "", 0,
        20);
    assert_int_equal(result.exit_code, 0);
    assert_true(value_of(result.out) == sc__wrapping_add(start_value, 20));
    assert_true(command(&holder, "=", reply, sizeof reply) ==
                sc__wrapping_add(start_value, 20));
    sc__test_assert_contains(reply, "(+20 from other processes)");
    session_end(&holder);
}

/* Two of the same program at once, each adding 5 interactively: how far
 * the counter each saw moved from where the first started. The second
 * sees the first's 5 only when the variable is shared. */
static void pair_adds_five_each(const struct program *program, uint64_t *first,
                                uint64_t *second)
{
    struct sc_test_child a, b;
    char reply[128];

    uint64_t start_value = (uint64_t)session_start(&a, program);
    *first = (uint64_t)command(&a, "5", reply, sizeof reply) - start_value;
    session_start(&b, program);
    *second = (uint64_t)command(&b, "5", reply, sizeof reply) - start_value;
    session_end(&b);
    session_end(&a);
}

static void private_counters_never_share_and_shared_exe_ones_do(void **state)
{
    uint64_t first, second;

    (void)state;
    pair_adds_five_each(&private_counter, &first, &second);
    assert_int_equal(first, 5);
    assert_int_equal(second, 5);
    pair_adds_five_each(&shared_exe_counter, &first, &second);
    assert_int_equal(first, 5);
    assert_int_equal(second, 10);
}

/* ---- counter_demo ------------------------------------------------------- */

static void demo_totals_are_exact(void **state)
{
    const int64_t clients = 4, times = 20000, delta = -3;
    char k[24], n[24], d[24], expected[160];
    int64_t before, after;
    struct run demo;

    (void)state;
    snprintf(k, sizeof k, "%" PRId64, clients);
    snprintf(n, sizeof n, "%" PRId64, times);
    snprintf(d, sizeof d, "%" PRId64, delta);
    run(&demo, &counter_demo, ARGS("--clients", k, "--times", n, "--delta", d),
        "", 0, clients * times * delta);
    if (demo.exit_code != 0)
        fail_msg("counter_demo exited with %d:\n%s%s", demo.exit_code, demo.out,
                 demo.err);
    const char *verdict =
        strstr(demo.out, "shared counter (" SC_LIBRARY_NAME "): ");
    assert_non_null(verdict);
    assert_int_equal(sscanf(verdict,
                            "shared counter (" SC_LIBRARY_NAME "): "
                            "%" SCNd64 " -> %" SCNd64,
                            &before, &after),
                     2);
    assert_true(sc__wrapping_sub(after, before) == clients * times * delta);
    snprintf(expected, sizeof expected,
             "private baseline: each of %" PRId64 " processes ended at %" PRId64
             " (none saw the others)",
             clients, times * delta);
    sc__test_assert_contains(demo.out, expected);
    assert_string_equal(demo.err, "");
}

static void demo_kills_at_the_time_limit(void **state)
{
    struct sc_test_child demo;
    char out[OUTPUT_SIZE];

    (void)state;
    /* Its worker is killed in the middle of its additions: how far the
     * counter moves is not known, so run() cannot be used. */
    start(&demo, &counter_demo,
          ARGS("--clients", "1", "--times", "1000000000", "--timeout", "1"));
    assert_int_equal(sc__test_child_finish(&demo, out, sizeof out), 1);
    sc__test_assert_contains(demo.errors,
                             "counter_demo: killed counter_worker" SC_EXE_SUFFIX
                             " (pid ");
    sc__test_assert_contains(demo.errors, "still running at the time limit of "
                                          "1 second\n");
    sc__test_assert_contains(out, "(killed at the time limit)");
}

/* ---- Windows only ------------------------------------------------------- */

#if defined(_WIN32)

/* counter_dynamic in a folder of its own: no DLL there, or a DLL without
 * the functions it needs. Either way it must say so and exit 1. (On Linux
 * it finds the library through its RUNPATH, wherever it is copied.) */
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

/* Fails unless every line of text ends in "\r\n". */
static void assert_crlf(const char *text)
{
    for (const char *end = strchr(text, '\n'); end != NULL;
         end = strchr(end + 1, '\n'))
        if (end == text || end[-1] != '\r')
            fail_msg("a line that does not end in \"\\r\\n\":\n%s", text);
}

/* The programs write text: on Windows its lines end in "\r\n", on stdout
 * and on stderr (the other cases read them as "\n", as on Linux). */
static void lines_end_in_crlf(void **state)
{
    static const char *const args[] = {"--help", "--version", "--bogus"};
    const struct program *program = *state;
    char path[MAX_PATH], file[64];
    struct sc_test_run result;

    snprintf(file, sizeof file, "%s.exe", program->name);
    sc__test_path(path, sizeof path, NULL, file);
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        sc__test_run(&result, path, args[i], "", 0);
        assert_non_null(
            strchr(i < 2 ? result.output.out : result.output.err, '\n'));
        assert_crlf(result.output.out);
        assert_crlf(result.output.err);
        sc__test_run_free(&result);
    }
    /* And counter_watch's JSON snapshot, which scripts read. */
    if (strcmp(program->name, "counter_watch") == 0) {
        sc__test_run(&result, path, "--json", "", 0);
        assert_int_equal(result.exit_code, 0);
        assert_non_null(strstr(result.output.out, "]\r\n}\r\n"));
        assert_crlf(result.output.out);
        sc__test_run_free(&result);
    }
}

#endif

#define FOR_PROGRAM(test, program)                                             \
    {                                                                          \
#test " (" #program ")", test, NULL, NULL, &program                    \
    }
#define FOR_INTERACTIVE(test)                                                  \
    FOR_PROGRAM(test, private_counter), FOR_PROGRAM(test, shared_exe_counter), \
        FOR_PROGRAM(test, counter_client), FOR_PROGRAM(test, counter_dynamic)
/* The programs that take --times and --delta. */
#define FOR_COUNTING(test)                                                     \
    FOR_INTERACTIVE(test), FOR_PROGRAM(test, counter_worker),                  \
        FOR_PROGRAM(test, counter_demo)
#define FOR_EVERY_PROGRAM(test)                                                \
    FOR_COUNTING(test), FOR_PROGRAM(test, counter_watch),                      \
        FOR_PROGRAM(test, counter_wait)

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
        FOR_COUNTING(bad_arguments_are_refused),
        FOR_EVERY_PROGRAM(bad_usage_exits_2),
        cmocka_unit_test(demo_refuses_too_few_or_many_clients),
        FOR_INTERACTIVE(interactive_delta_needs_times),
        FOR_EVERY_PROGRAM(help_describes_usage),
        FOR_EVERY_PROGRAM(version_names_program_and_library),
        FOR_INTERACTIVE(help_and_version_change_no_counter),
        cmocka_unit_test(worker_help_and_version_change_no_counter),
        cmocka_unit_test(worker_adds_times_delta),
        cmocka_unit_test(private_counter_runs_in_batch_mode),
        cmocka_unit_test(worker_adds_to_a_named_counter),
        cmocka_unit_test(two_client_sessions_share_the_value),
        cmocka_unit_test(dynamic_client_shares_with_a_linked_one),
        cmocka_unit_test(private_counters_never_share_and_shared_exe_ones_do),
        cmocka_unit_test(demo_totals_are_exact),
        cmocka_unit_test(demo_kills_at_the_time_limit),
#if defined(_WIN32)
        cmocka_unit_test(dynamic_reports_missing_dll),
        cmocka_unit_test(dynamic_reports_missing_function),
        SC_TEST_WITH_FOLDER(dynamic_reports_a_file_that_is_no_dll),
        SC_TEST_WITH_FOLDER(version_names_the_hardened_build),
        SC_TEST_WITH_FOLDER(clients_run_from_a_non_ansi_folder),
        FOR_EVERY_PROGRAM(lines_end_in_crlf),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
