/*
 * The edges of the bad-input table in docs/reliability.md that the client
 * tests (test_clients) do not cover: extreme deltas and wrap-around,
 * concurrent updates across the wrap, line endings and bytes a Windows
 * pipe may carry, a read error in the middle of a line, a client started
 * without its DLL, and sc_soak's own arguments.
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

/* ---- the API ----------------------------------------------------------- */

struct add_case {
    int64_t start, delta, result;
};

static const struct add_case extreme_adds[] = {
    {0, INT64_MIN, INT64_MIN},  {0, INT64_MAX, INT64_MAX},
    {INT64_MAX, INT64_MIN, -1}, {INT64_MIN, INT64_MAX, -1},
    {INT64_MAX, 1, INT64_MIN},  {INT64_MIN, -1, INT64_MAX},
    {INT64_MAX, INT64_MAX, -2}, {INT64_MIN, INT64_MIN, 0},
    {-1, INT64_MIN, INT64_MAX}, {1, INT64_MAX, INT64_MIN},
    {INT64_MIN, 0, INT64_MIN},
};

static void extreme_deltas_wrap_in_twos_complement(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof extreme_adds / sizeof extreme_adds[0]; i++) {
        const struct add_case *c = &extreme_adds[i];
        sc_exchange(c->start);
        assert_int_equal(sc_add(c->delta), c->result);
        assert_int_equal(sc_get(), c->result);
    }
}

static void compare_exchange_at_the_extremes(void **state)
{
    (void)state;
    sc_exchange(INT64_MIN);
    assert_int_equal(sc_compare_exchange(INT64_MAX, 0), INT64_MIN);
    assert_int_equal(sc_get(), INT64_MIN);
    assert_int_equal(sc_compare_exchange(INT64_MIN, INT64_MAX), INT64_MIN);
    assert_int_equal(sc_get(), INT64_MAX);
    assert_int_equal(sc_exchange(INT64_MIN), INT64_MAX);
}

enum { WRAP_THREADS = 4, WRAP_OPS = 50000 };

struct wrap_worker {
    HANDLE gate;
    int64_t *values;
};

static DWORD WINAPI increment_many(void *arg)
{
    struct wrap_worker *w = arg;

    WaitForSingleObject(w->gate, INFINITE);
    for (int i = 0; i < WRAP_OPS; i++)
        w->values[i] = sc_increment();
    return 0;
}

static int ascending_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Increments racing through INT64_MAX -> INT64_MIN: counted from the start
 * in unsigned (wrapping) steps, the values are exactly 1..n. */
static void concurrent_increments_across_the_wrap_are_exact(void **state)
{
    enum { TOTAL = WRAP_THREADS * WRAP_OPS };
    static int64_t values[TOTAL];
    struct wrap_worker workers[WRAP_THREADS];
    HANDLE threads[WRAP_THREADS];
    HANDLE gate = CreateEventW(NULL, TRUE, FALSE, NULL);
    const int64_t start = INT64_MAX - TOTAL / 2;
    (void)state;

    assert_non_null(gate);
    sc_exchange(start);
    for (int t = 0; t < WRAP_THREADS; t++) {
        workers[t] = (struct wrap_worker){gate, values + t * WRAP_OPS};
        threads[t] =
            CreateThread(NULL, 0, increment_many, &workers[t], 0, NULL);
        assert_non_null(threads[t]);
    }
    SetEvent(gate);
    WaitForMultipleObjects(WRAP_THREADS, threads, TRUE, INFINITE);
    uint64_t *steps = (uint64_t *)values;
    for (int i = 0; i < TOTAL; i++)
        steps[i] = (uint64_t)sc__wrapping_sub(values[i], start);
    qsort(steps, TOTAL, sizeof *steps, ascending_u64);
    for (int i = 0; i < TOTAL; i++)
        assert_int_equal(steps[i], (uint64_t)i + 1);
    assert_int_equal(sc_get(), INT64_MIN + TOTAL / 2 - 1);
    for (int t = 0; t < WRAP_THREADS; t++)
        CloseHandle(threads[t]);
    CloseHandle(gate);
}

/* ---- programs ---------------------------------------------------------- */

/* Runs file, from the test program's folder, with args and input. */
static void run_from_program_dir(struct sc_test_run *run, const char *file,
                                 const char *args, const char *input,
                                 size_t len)
{
    char path[MAX_PATH];

    sc__test_path(path, sizeof path, NULL, file);
    sc__test_run(run, path, args, input, len);
}

/* The same for a program the tests built, beside this one. */
static void run_from_tests_dir(struct sc_test_run *run, const char *file,
                               const char *args)
{
    char dir[MAX_PATH], path[MAX_PATH];

    assert_int_equal(sc__program_dir(dir, sizeof dir), 0);
    sc__test_path(path, sizeof path, dir, file);
    sc__test_run(run, path, args, "", 0);
}

/* Runs private_counter (its own counter starts at 0, so the output is
 * known) with input; checks the exit code, stdout, and that stderr holds
 * each of err_parts (NULL-terminated; none: stderr must be empty). */
static void check_private_counter(const char *input, size_t len,
                                  DWORD exit_code, const char *out,
                                  const char *const *err_parts)
{
    struct sc_test_run run;

    run_from_program_dir(&run, "private_counter.exe", NULL, input, len);
    assert_int_equal(run.exit_code, exit_code);
    assert_string_equal(run.output.out, out);
    if (*err_parts == NULL)
        assert_string_equal(run.output.err, "");
    for (; *err_parts != NULL; err_parts++)
        sc__test_assert_contains(run.output.err, *err_parts);
    sc__test_run_free(&run);
}

/* Windows programs and files end lines with CRLF: the clients take it as
 * the line ending, not as part of the command. */
static void crlf_line_endings_are_accepted(void **state)
{
    static const char input[] = "=\r\n+5\r\n\r\n-2\r\n";
    static const char *const no_error[] = {NULL};
    (void)state;

    check_private_counter(input, sizeof input - 1, 0,
                          "counter: 0\r\ncounter: 0\r\ncounter: 5\r\n"
                          "counter: 6\r\ncounter: 4\r\n",
                          no_error);
}

/* Non-ASCII bytes (UTF-8 text, a UTF-16 byte-order mark) are no command:
 * refused like any other, shown byte by byte, and the value does not move. */
static void non_ascii_lines_are_refused(void **state)
{
    static const char input[] = "=\n\xc3\xa9\n\xff\xfe+1\n=\n";
    static const char *const errors[] = {
        "line 2: \"\\xc3\\xa9\": unknown command",
        "line 3: \"\\xff\\xfe+1\": unknown command", NULL};
    (void)state;

    check_private_counter(input, sizeof input - 1, 1,
                          "counter: 0\r\ncounter: 0\r\ncounter: 0\r\n", errors);
}

/* The bytes a text-mode C library would swallow or stop at: a Ctrl+Z
 * (0x1A) is refused as a character, and the lines after it still run. */
static void ctrl_z_does_not_end_the_input(void **state)
{
    static const char input[] = "+1\n\x1a\n+2\n";
    static const char *const errors[] = {
        "line 2: \"\\x1a\": control characters are not allowed", NULL};
    (void)state;

    check_private_counter(input, sizeof input - 1, 1,
                          "counter: 0\r\ncounter: 1\r\ncounter: 3\r\n", errors);
}

/* ---- a read error in the middle of a line -------------------------------- */

static HANDLE open_inheritable(const char *path, DWORD access, DWORD create)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE h = CreateFileA(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           &sa, create, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    return h;
}

/* Reads from h into buf until it holds lines '\n's (-1: until h ends). */
static void read_lines(HANDLE h, char *buf, size_t size, int lines)
{
    size_t len = 0;
    DWORD got;

    while (lines != 0 && len + 1 < size &&
           ReadFile(h, buf + len, 1, &got, NULL) && got == 1)
        if (buf[len++] == '\n')
            lines--;
    buf[len] = '\0';
}

/* private_counter reads stdin from a named pipe: the test sends "=" and
 * half a line, "+5", waits for the answer to "=", then disconnects the
 * pipe, which the client sees as a failed read, not as the end of input.
 * It must report the error, exit 1, and never run the partial "+5". */
static void read_error_mid_line_fails_without_running_it(void **state)
{
    const char *dir = *state;
    char pipe_name[64], err_path[MAX_PATH], program[MAX_PATH];
    char command_line[MAX_PATH + 4], out[256];
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE out_read;
    DWORD exit_code, written;

    snprintf(pipe_name, sizeof pipe_name, "\\\\.\\pipe\\sc-test-stdin-%lu",
             (unsigned long)GetCurrentProcessId());
    HANDLE server =
        CreateNamedPipeA(pipe_name, PIPE_ACCESS_OUTBOUND,
                         PIPE_TYPE_BYTE | PIPE_WAIT, 1, 4096, 4096, 0, NULL);
    assert_true(server != INVALID_HANDLE_VALUE);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = open_inheritable(pipe_name, GENERIC_READ, OPEN_EXISTING);
    assert_true(CreatePipe(&out_read, &si.hStdOutput, &sa, 0));
    SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
    sc__test_path(err_path, sizeof err_path, dir, "err.txt");
    si.hStdError = open_inheritable(err_path, GENERIC_WRITE, CREATE_ALWAYS);
    sc__test_path(program, sizeof program, NULL, "private_counter.exe");
    snprintf(command_line, sizeof command_line, "\"%s\"", program);
    assert_int_equal(sc__kill_children_on_exit(), 0);
    assert_true(CreateProcessA(program, command_line, NULL, NULL, TRUE, 0, NULL,
                               NULL, &si, &pi));
    CloseHandle(si.hStdInput);
    CloseHandle(si.hStdOutput);
    CloseHandle(si.hStdError);

    assert_true(WriteFile(server, "=\n+5", 4, &written, NULL));
    /* The start value and the answer to "=": "+5" is now in the client's
     * hands or in the pipe, with no line ending after it. */
    read_lines(out_read, out, sizeof out, 2);
    assert_string_equal(out, "counter: 0\r\ncounter: 0\r\n");
    assert_true(DisconnectNamedPipe(server));
    assert_int_equal(WaitForSingleObject(pi.hProcess, SC_TEST_CHILD_TIMEOUT_MS),
                     WAIT_OBJECT_0);
    GetExitCodeProcess(pi.hProcess, &exit_code);
    read_lines(out_read, out, sizeof out, -1);
    CloseHandle(out_read);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CloseHandle(server);

    FILE *f = fopen(err_path, "rb");
    char err[512] = "";
    assert_non_null(f);
    fread(err, 1, sizeof err - 1, f);
    fclose(f);
    print_message("%s", err);
    assert_int_equal(exit_code, 1);
    assert_string_equal(out, "");
    sc__test_assert_contains(err, "private_counter: cannot read stdin: ");
    sc__test_assert_contains(err, "; stopped");
}

/* A program linked against sharedcounter.dll, alone in a folder: the
 * loader refuses to start it, nothing of it runs, and its parent sees
 * STATUS_DLL_NOT_FOUND. (Started from a Linux shell, Wine's own launcher
 * turns that into exit status 53.) */
static void client_without_its_dll_does_not_start(void **state)
{
    const char *dir = *state;
    char path[MAX_PATH];
    struct sc_test_run run;

    sc__test_copy("counter_client.exe", dir, "counter_client.exe");
    sc__test_path(path, sizeof path, dir, "counter_client.exe");
    sc__test_run_alone(&run, path, NULL, "=\n", 2);

    assert_int_equal(run.exit_code, (DWORD)STATUS_DLL_NOT_FOUND);
    assert_string_equal(run.output.out, "");
    sc__test_run_free(&run);
}

struct refusal {
    const char *args;
    const char *message;
};

static const struct refusal soak_refusals[] = {
    {"--seconds 0", "--seconds 0 is out of range (1 to 3600)"},
    {"--seconds 3601", "--seconds 3601 is out of range (1 to 3600)"},
    {"--clients 0", "--clients 0 is out of range (1 to 1000)"},
    {"--clients 1001", "--clients 1001 is out of range (1 to 1000)"},
    {"--wave 0", "--wave 0 is out of range (1 to 1000)"},
    {"--clients 8 --wave 9", "--wave 9 is larger than --clients 8"},
    {"--seed -1", "--seed -1 is out of range (0 to 9223372036854775807)"},
    {"--seconds", "--seconds needs a value"},
    {"--seconds 1x", "--seconds needs a whole number, not \"1x\""},
    {"--seconds 1 --seconds 2", "--seconds given more than once"},
    {"--seconds=", "--seconds needs a whole number, not \"\""},
    {"--bogus", "unknown option \"--bogus\""},
    {"stray", "unexpected argument \"stray\""},
};

static void soak_refuses_bad_arguments(void **state)
{
    struct sc_test_run run;
    (void)state;

    for (size_t i = 0; i < sizeof soak_refusals / sizeof soak_refusals[0];
         i++) {
        run_from_tests_dir(&run, "sc_soak.exe", soak_refusals[i].args);
        print_message("sc_soak %s\n", soak_refusals[i].args);
        assert_int_equal(run.exit_code, 2);
        assert_string_equal(run.output.out, "");
        sc__test_assert_contains(run.output.err, "sc_soak: ");
        sc__test_assert_contains(run.output.err, soak_refusals[i].message);
        sc__test_assert_contains(run.output.err, "\nTry 'sc_soak --help'.");
        sc__test_run_free(&run);
    }
}

static void soak_help_describes_usage(void **state)
{
    struct sc_test_run run;
    (void)state;

    run_from_tests_dir(&run, "sc_soak.exe", "--help");
    assert_int_equal(run.exit_code, 0);
    sc__test_assert_contains(run.output.out, "usage: sc_soak");
    sc__test_assert_contains(run.output.out, "Exit status");
    assert_string_equal(run.output.err, "");
    sc__test_run_free(&run);
}

/* The helper programs answer --help and --version and leave the counter
 * alone: sc_soak would start clients, probe_counter would add 1. */
static void helpers_answer_help_and_version_without_counting(void **state)
{
    static const char *const programs[] = {"sc_soak", "probe_counter"};
    char expected[64];
    struct sc_test_run run;
    (void)state;

    int64_t before = sc_get();
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        char exe[32];
        snprintf(exe, sizeof exe, "%s.exe", programs[i]);
        run_from_tests_dir(&run, exe, "--help");
        assert_int_equal(run.exit_code, 0);
        snprintf(expected, sizeof expected, "usage: %s", programs[i]);
        sc__test_assert_contains(run.output.out, expected);
        assert_string_equal(run.output.err, "");
        sc__test_run_free(&run);

        run_from_tests_dir(&run, exe, "--version");
        assert_int_equal(run.exit_code, 0);
        snprintf(expected, sizeof expected, "%s %s\r\n", programs[i],
                 SC_VERSION_STRING);
        assert_string_equal(run.output.out, expected);
        sc__test_run_free(&run);
    }
    assert_int_equal(sc_get(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extreme_deltas_wrap_in_twos_complement),
        cmocka_unit_test(compare_exchange_at_the_extremes),
        cmocka_unit_test(concurrent_increments_across_the_wrap_are_exact),
        cmocka_unit_test(crlf_line_endings_are_accepted),
        cmocka_unit_test(non_ascii_lines_are_refused),
        cmocka_unit_test(ctrl_z_does_not_end_the_input),
        SC_TEST_WITH_FOLDER(read_error_mid_line_fails_without_running_it),
        SC_TEST_WITH_FOLDER(client_without_its_dll_does_not_start),
        cmocka_unit_test(soak_refuses_bad_arguments),
        cmocka_unit_test(soak_help_describes_usage),
        cmocka_unit_test(helpers_answer_help_and_version_without_counting),
    };
    return cmocka_run_group_tests(tests, sc__save_counter, sc__restore_counter);
}
