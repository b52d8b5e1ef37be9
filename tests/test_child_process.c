/*
 * The child-process module (tests/support/child_process_win32.c): pipes
 * that cannot deadlock, deadlines that kill, errors that are errors, output
 * that is zeroed whenever it is not filled; and the UTF-8 paths of
 * text_paths_win32.c.
 *
 * The children are this program, started again as "--helper MODE".
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

#include "child_process.h"
#include "text_paths.h"

/* Far more than a pipe holds (64 KiB), on each stream. */
enum { BIG = 1 << 20, PIECE = 4096, TIMEOUT_MS = 60000 };

static char pattern_byte(size_t i, int stream)
{
    return (char)('a' + (i * 7 + (size_t)stream * 3) % 26);
}

static int write_all(HANDLE h, const char *data, size_t len)
{
    DWORD written;
    while (len > 0) {
        if (!WriteFile(h, data, (DWORD)len, &written, NULL))
            return -1;
        data += written;
        len -= written;
    }
    return 0;
}

/* BIG bytes of a pattern to stdout and to stderr, in turns. */
static int helper_chatty(void)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    char piece[PIECE];

    for (size_t at = 0; at < BIG; at += PIECE) {
        for (int stream = 1; stream <= 2; stream++) {
            for (size_t i = 0; i < PIECE; i++)
                piece[i] = pattern_byte(at + i, stream);
            if (write_all(stream == 1 ? out : err, piece, PIECE) != 0)
                return 1;
        }
    }
    return 0;
}

/* Copies stdin to stdout as it comes. */
static int helper_echo(void)
{
    char piece[PIECE];
    DWORD got;

    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), piece, sizeof piece, &got,
                    NULL) &&
           got > 0)
        if (write_all(GetStdHandle(STD_OUTPUT_HANDLE), piece, got) != 0)
            return 1;
    return 0;
}

static int helper_hang(void)
{
    write_all(GetStdHandle(STD_OUTPUT_HANDLE), "ready\n", 6);
    Sleep(INFINITE);
    return 0;
}

static int helper_close_stdout(void)
{
    CloseHandle(GetStdHandle(STD_OUTPUT_HANDLE));
    write_all(GetStdHandle(STD_ERROR_HANDLE), "still here\n", 11);
    return 3;
}

/* Writes until the pipe breaks; exit 7 says it saw it break. */
static int helper_write_until_broken(void)
{
    char piece[PIECE];
    DWORD written;

    memset(piece, 'x', sizeof piece);
    while (WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), piece, sizeof piece,
                     &written, NULL))
        ;
    DWORD error = GetLastError();
    char message[64];
    int len = snprintf(message, sizeof message, "write failed: %lu\n",
                       (unsigned long)error);
    write_all(GetStdHandle(STD_ERROR_HANDLE), message, (size_t)len);
    return error == ERROR_NO_DATA || error == ERROR_BROKEN_PIPE ? 7 : 8;
}

static int helper_lines(void)
{
    static const char text[] = "one\r\ntwo\nthree";
    return write_all(GetStdHandle(STD_OUTPUT_HANDLE), text, sizeof text - 1);
}

static int run_helper(const char *mode)
{
    static const struct {
        const char *name;
        int (*run)(void);
    } helpers[] = {
        {"chatty", helper_chatty},
        {"echo", helper_echo},
        {"hang", helper_hang},
        {"close-stdout", helper_close_stdout},
        {"write-until-broken", helper_write_until_broken},
        {"lines", helper_lines},
    };
    for (size_t i = 0; i < sizeof helpers / sizeof helpers[0]; i++)
        if (strcmp(mode, helpers[i].name) == 0)
            return helpers[i].run();
    return 100;
}

static void start_helper(struct sc_child *child, const char *mode,
                         unsigned flags)
{
    char *self = sc__program_path(NULL), args[64];

    assert_non_null(self);
    snprintf(args, sizeof args, "--helper %s", mode);
    assert_int_equal(sc__child_start_in_job(child, self, args, flags), 0);
    free(self);
}

/* Runs helper mode to its end with its output captured; returns its exit
 * code. */
static DWORD run_to_end(const char *mode, struct sc_child_output *output)
{
    struct sc_child child;
    DWORD code;

    start_helper(&child, mode, SC_CHILD_PIPE_OUTPUT);
    assert_int_equal(sc__child_finish(&child, TIMEOUT_MS, &code, output), 0);
    sc__child_close(&child);
    return code;
}

static void assert_output_zeroed(const struct sc_child_output *output)
{
    assert_null(output->out);
    assert_int_equal(output->out_len, 0);
    assert_null(output->err);
    assert_int_equal(output->err_len, 0);
}

/* Read one stream to its end before the other, and the child would block
 * on the full pipe of the other one, for ever. */
static void full_pipes_on_both_outputs_do_not_deadlock(void **state)
{
    struct sc_child_output output;
    (void)state;

    assert_int_equal(run_to_end("chatty", &output), 0);
    assert_int_equal(output.out_len, BIG);
    assert_int_equal(output.err_len, BIG);
    for (size_t i = 0; i < BIG; i++) {
        if (output.out[i] != pattern_byte(i, 1) ||
            output.err[i] != pattern_byte(i, 2))
            fail_msg("output differs at byte %zu", i);
    }
    sc__child_output_free(&output);
}

/* The child echoes while we write: if we did not read meanwhile, it would
 * block on its full stdout and stop reading, and we on its full stdin. */
static void writing_to_a_child_that_writes_back_does_not_deadlock(void **state)
{
    struct sc_child child;
    struct sc_child_output output;
    char *input = malloc(BIG);
    DWORD code;
    (void)state;

    assert_non_null(input);
    for (size_t i = 0; i < BIG; i++)
        input[i] = pattern_byte(i, 0);
    start_helper(&child, "echo", SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT);
    assert_int_equal(sc__child_write(&child, input, BIG), 0);
    assert_int_equal(sc__child_finish(&child, TIMEOUT_MS, &code, &output), 0);
    sc__child_close(&child);
    assert_int_equal(code, 0);
    assert_int_equal(output.out_len, BIG);
    assert_memory_equal(output.out, input, BIG);
    sc__child_output_free(&output);
    free(input);
}

static void a_child_that_never_exits_is_killed_at_the_deadline(void **state)
{
    struct sc_child child;
    struct sc_child_output output;
    char line[16];
    DWORD code;
    (void)state;

    start_helper(&child, "hang", SC_CHILD_PIPE_OUTPUT);
    assert_int_equal(sc__child_read_line(&child, line, sizeof line), 0);
    assert_string_equal(line, "ready");
    memset(&output, 0xab, sizeof output);
    assert_int_equal(sc__child_finish(&child, 500, &code, &output),
                     WAIT_TIMEOUT);
    assert_output_zeroed(&output);
    assert_int_equal(code, STILL_ACTIVE);
    assert_int_equal(WaitForSingleObject(child.process, 0), WAIT_OBJECT_0);
    sc__child_close(&child);
}

static void a_closed_output_is_its_end_not_an_error(void **state)
{
    struct sc_child_output output;
    (void)state;

    assert_int_equal(run_to_end("close-stdout", &output), 3);
    assert_string_equal(output.out, "");
    assert_string_equal(output.err, "still here\n");
    sc__child_output_free(&output);
}

/* Our end closed before the child writes: its writes fail, and it can
 * tell, instead of hanging on a pipe nobody reads. */
static void a_child_sees_its_output_pipe_break(void **state)
{
    struct sc_child child;
    struct sc_child_output output;
    DWORD code;
    (void)state;

    start_helper(&child, "write-until-broken", SC_CHILD_PIPE_OUTPUT);
    sc__close_handle(&child.stdout_read);
    assert_int_equal(sc__child_finish(&child, TIMEOUT_MS, &code, &output), 0);
    sc__child_close(&child);
    assert_int_equal(code, 7);
    assert_non_null(strstr(output.err, "write failed"));
    sc__child_output_free(&output);
}

/* A read that fails is not the end of the output: finish says so, and
 * hands over nothing. A write-only handle stands in for a failing pipe. */
static void a_failed_read_is_an_error_not_the_end_of_output(void **state)
{
    struct sc_child child;
    struct sc_child_output output;
    DWORD code;
    (void)state;

    start_helper(&child, "lines", SC_CHILD_PIPE_OUTPUT);
    sc__close_handle(&child.stdout_read);
    child.stdout_read =
        CreateFileW(L"NUL", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(child.stdout_read != INVALID_HANDLE_VALUE);
    memset(&output, 0xab, sizeof output);
    DWORD err = sc__child_finish(&child, TIMEOUT_MS, &code, &output);
    sc__child_close(&child);
    assert_int_not_equal(err, 0);
    assert_int_not_equal(err, WAIT_TIMEOUT);
    assert_output_zeroed(&output);
}

static void finish_without_a_child_zeroes_the_output(void **state)
{
    struct sc_child child;
    struct sc_child_output output;
    DWORD code;
    (void)state;

    assert_int_not_equal(sc__child_start_in_job(&child,
                                                "C:\\no\\such\\program.exe",
                                                NULL, SC_CHILD_PIPE_OUTPUT),
                         0);
    memset(&output, 0xab, sizeof output);
    assert_int_equal(sc__child_finish(&child, TIMEOUT_MS, &code, &output),
                     ERROR_INVALID_HANDLE);
    assert_output_zeroed(&output);
    sc__child_close(&child);
}

/* Lines come out one by one; what follows stays for finish. */
static void read_line_leaves_the_rest_for_finish(void **state)
{
    struct sc_child child;
    struct sc_child_output output;
    char line[16];
    DWORD code;
    (void)state;

    start_helper(&child, "lines", SC_CHILD_PIPE_OUTPUT);
    assert_int_equal(sc__child_read_line(&child, line, sizeof line), 0);
    assert_string_equal(line, "one");
    assert_int_equal(sc__child_read_line(&child, line, sizeof line), 0);
    assert_string_equal(line, "two");
    assert_int_equal(sc__child_read_line(&child, line, sizeof line),
                     ERROR_HANDLE_EOF);
    assert_int_equal(sc__child_finish(&child, TIMEOUT_MS, &code, &output), 0);
    sc__child_close(&child);
    assert_string_equal(output.out, "three");
    sc__child_output_free(&output);
}

static void utf8_and_utf16_convert_both_ways(void **state)
{
    /* Ü n ï c ø, 日本, an emoji: 1-, 2- and 4-byte UTF-8. */
    static const char text[] = "\u00dcn\u00efc\u00f8\u65e5\u672c\U0001F600";
    (void)state;

    wchar_t *wide = sc__wide_from_utf8(text);
    assert_non_null(wide);
    /* Ü n ï c ø 日 本 and the emoji as a surrogate pair. */
    assert_int_equal(wcslen(wide), 9);
    assert_int_equal(wide[0], 0xdc);
    assert_int_equal(wide[5], 0x65e5);
    assert_int_equal(wide[7], 0xd83d);
    char *back = sc__utf8_from_wide(wide);
    assert_non_null(back);
    assert_string_equal(back, text);
    free(back);
    free(wide);
    assert_null(sc__wide_from_utf8("bad \xff byte"));
}

static void wide_path_prefixes_only_long_paths(void **state)
{
    char long_path[400] = "C:\\";
    char long_unc[400] = "\\\\server\\share\\";
    (void)state;

    memset(long_path + 3, 'x', 300);
    memset(long_unc + 15, 'y', 300);
    wchar_t *plain = sc__wide_path("C:\\short\\name.txt");
    wchar_t *prefixed = sc__wide_path(long_path);
    wchar_t *unc = sc__wide_path(long_unc);
    wchar_t *kept = sc__wide_path("\\\\?\\C:\\already\\verbatim");

    assert_true(plain && prefixed && unc && kept);
    assert_true(wcscmp(plain, L"C:\\short\\name.txt") == 0);
    assert_true(wcsncmp(prefixed, L"\\\\?\\C:\\xxx", 10) == 0);
    assert_int_equal(wcslen(prefixed), 4 + 3 + 300);
    assert_true(wcsncmp(unc, L"\\\\?\\UNC\\server\\share\\yyy", 24) == 0);
    assert_true(wcscmp(kept, L"\\\\?\\C:\\already\\verbatim") == 0);
    free(plain);
    free(prefixed);
    free(unc);
    free(kept);
}

static int ends_with(const char *text, const char *end)
{
    size_t a = strlen(text), b = strlen(end);
    return a >= b && strcmp(text + a - b, end) == 0;
}

static void program_path_names_this_program_and_its_folder(void **state)
{
    char tiny[4];
    (void)state;

    char *self = sc__program_path(NULL);
    char *beside = sc__program_path("other.dll");
    assert_non_null(self);
    assert_non_null(beside);
    assert_true(ends_with(self, "\\test_child_process.exe"));
    assert_true(ends_with(beside, "\\other.dll"));
    size_t dir_len = strlen(self) - strlen("test_child_process.exe");
    assert_memory_equal(self, beside, dir_len);
    assert_int_equal(sc__program_dir(tiny, sizeof tiny),
                     ERROR_INSUFFICIENT_BUFFER);
    free(self);
    free(beside);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--helper") == 0)
        return run_helper(argv[2]);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_pipes_on_both_outputs_do_not_deadlock),
        cmocka_unit_test(writing_to_a_child_that_writes_back_does_not_deadlock),
        cmocka_unit_test(a_child_that_never_exits_is_killed_at_the_deadline),
        cmocka_unit_test(a_closed_output_is_its_end_not_an_error),
        cmocka_unit_test(a_child_sees_its_output_pipe_break),
        cmocka_unit_test(a_failed_read_is_an_error_not_the_end_of_output),
        cmocka_unit_test(finish_without_a_child_zeroes_the_output),
        cmocka_unit_test(read_line_leaves_the_rest_for_finish),
        cmocka_unit_test(utf8_and_utf16_convert_both_ways),
        cmocka_unit_test(wide_path_prefixes_only_long_paths),
        cmocka_unit_test(program_path_names_this_program_and_its_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
