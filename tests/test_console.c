/*
 * counter_client on a Windows console, typed into as a user would. This
 * program makes a console without a window (which needs no display) and
 * attaches to it; each test starts counter_client with that console as its
 * stdin and pipes for its output, and writes key presses into the
 * console's input (WriteConsoleInputW), which the console's line editing
 * hands to the client. What is typed must reach the client as typed:
 * characters beyond ASCII are refused and quoted in UTF-8, as the same text
 * through a pipe is, and Ctrl+Z at the start of a line ends the input
 * without counting.
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

enum { CTRL_Z = 0x1a };

/* ---- the console ----------------------------------------------------------
 */

static int attach_to_a_console_of_its_own(void **state)
{
    if (sc__test_attach_own_console() != 0)
        return -1;
    return sc__save_counter(state);
}

static HANDLE console_input(void)
{
    HANDLE in = CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE,
                            FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                            OPEN_EXISTING, 0, NULL);

    assert_true(in != INVALID_HANDLE_VALUE);
    return in;
}

/* A key press and its release that give the character c, as a keyboard
 * does: '\n' is ENTER, CTRL_Z is Z with Ctrl held, any other character
 * comes as itself. */
static void press(HANDLE in, wchar_t c)
{
    INPUT_RECORD key[2] = {{.EventType = KEY_EVENT}, {.EventType = KEY_EVENT}};
    DWORD written;

    for (int i = 0; i < 2; i++) {
        KEY_EVENT_RECORD *k = &key[i].Event.KeyEvent;
        k->bKeyDown = i == 0;
        k->wRepeatCount = 1;
        k->uChar.UnicodeChar = c == L'\n' ? L'\r' : c;
        k->wVirtualKeyCode = c == L'\n' ? VK_RETURN : c == CTRL_Z ? 'Z' : 0;
        k->dwControlKeyState = c == CTRL_Z ? LEFT_CTRL_PRESSED : 0;
    }
    assert_true(WriteConsoleInputW(in, key, 2, &written));
    assert_int_equal(written, 2);
}

/* Starts counter_client on the console, types keys, and waits for the
 * client to end. Returns the counter's value before. */
static int64_t type_into_client(struct sc_test_run *run, const wchar_t *keys)
{
    char path[MAX_PATH];
    struct sc_child child;
    HANDLE in = console_input();
    int64_t before = sc_get();

    /* Keys that an earlier client left unread must not reach this one. */
    assert_true(FlushConsoleInputBuffer(in));
    sc__test_path(path, sizeof path, NULL, "counter_client.exe");
    assert_int_equal(
        sc__child_start_in_job(&child, path, NULL,
                               SC_CHILD_CONSOLE_STDIN | SC_CHILD_PIPE_OUTPUT),
        0);
    for (; *keys != L'\0'; keys++)
        press(in, *keys);
    CloseHandle(in);
    assert_int_equal(sc__child_finish(&child, SC_TEST_CHILD_TIMEOUT_MS,
                                      &run->exit_code, &run->output),
                     0);
    sc__child_close(&child);
    return before;
}

/* Fails the test unless out is the value lines of values, one per line. */
static void assert_values(const char *out, const int64_t *values, size_t count)
{
    char expected[512];
    size_t len = 0;

    for (size_t i = 0; i < count; i++)
        len += (size_t)snprintf(expected + len, sizeof expected - len,
                                "counter: %lld\r\n", (long long)values[i]);
    assert_string_equal(out, expected);
}

/* ---- Ctrl+Z ---------------------------------------------------------------
 */

/* Ctrl+Z, then ENTER, ends the input as cmd.exe's programs take it: the
 * lines typed after it are never read, and what follows Ctrl+Z on its own
 * line is dropped with it. ENTER alone still adds 1. */
static void ctrl_z_at_the_start_of_a_line_ends_the_input(void **state)
{
    static const wchar_t *const sessions[] = {
        L"\n+2\n\x1a\n+5\nq\n",
        L"\n+2\n\x1a+5\n+5\nq\n",
    };
    (void)state;

    for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++) {
        struct sc_test_run run;
        int64_t before = type_into_client(&run, sessions[i]);
        int64_t values[] = {before, sc__wrapping_add(before, 1),
                            sc__wrapping_add(before, 3)};

        assert_values(run.output.out, values, 3);
        assert_null(strstr(run.output.err, ": line "));
        assert_int_equal(run.exit_code, 0);
        assert_int_equal(sc_get(), values[2]);
        sc__test_run_free(&run);
    }
}

/* Anywhere else in a line, Ctrl+Z is a control character like any other:
 * the line is refused, and the session goes on. */
static void ctrl_z_inside_a_line_is_refused(void **state)
{
    struct sc_test_run run;
    int64_t before = type_into_client(&run, L"=\n+1\x1a\n=\nq\n");
    int64_t values[] = {before, before, before};
    (void)state;

    assert_values(run.output.out, values, 3);
    sc__test_assert_contains(
        run.output.err,
        "line 2: \"+1\\x1a\": control characters are not allowed");
    assert_int_equal(run.exit_code, 1);
    assert_int_equal(sc_get(), before);
    sc__test_run_free(&run);
}

/* ---- characters beyond ASCII ----------------------------------------------
 */

/* What is typed reaches the client in UTF-8, whatever the console's code
 * page: é, the characters of a UTF-16 byte-order mark (ÿþ) and a character
 * beyond the BMP (a surrogate pair) are refused and quoted byte by byte,
 * never as '?' or in the code page's bytes. */
static void typed_characters_arrive_in_utf8(void **state)
{
    static const char *const errors[] = {
        "line 1: \"\\xc3\\xa9\": unknown command",
        "line 2: \"\\xc3\\xbf\\xc3\\xbe+1\": unknown command",
        "line 3: \"\\xf0\\x9f\\x98\\x80\": unknown command",
    };
    struct sc_test_run run;
    int64_t before =
        type_into_client(&run, L"\u00e9\n\u00ff\u00fe+1\n\U0001F600\n=\nq\n");
    int64_t values[] = {before, before};
    (void)state;

    assert_values(run.output.out, values, 2);
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        sc__test_assert_contains(run.output.err, errors[i]);
    assert_null(strchr(run.output.err, '?'));
    assert_int_equal(run.exit_code, 1);
    assert_int_equal(sc_get(), before);
    sc__test_run_free(&run);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], SC_TEST_HOLD_CONSOLE) == 0)
        return sc__test_hold_console();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ctrl_z_at_the_start_of_a_line_ends_the_input),
        cmocka_unit_test(ctrl_z_inside_a_line_is_refused),
        cmocka_unit_test(typed_characters_arrive_in_utf8),
    };
    return cmocka_run_group_tests(tests, attach_to_a_console_of_its_own,
                                  sc__restore_counter);
}
