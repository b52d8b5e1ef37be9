/*
 * The live views in the console. counter_watch's snapshots for scripts,
 * --once as text and --json, each checked against what this process sees
 * of the counter and of the processes that have the DLL loaded (this one
 * among them), and its refusals of bad usage. Its live view, and the
 * demo's live line, in a console of their own that this process attaches
 * to, reads and types into: that it follows a change at once (the time
 * printed) and takes next to no CPU time while the counter stands still;
 * and the demo's silence in a pipe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>
#include <windows.h>

#include "runner.h"
#include "sharedcounter.h"
#include "support.h"

static void watch(struct sc_test_run *run, const char *args)
{
    char path[MAX_PATH];

    sc__test_path(path, sizeof path, NULL, "counter_watch.exe");
    sc__test_run(run, path, args, "", 0);
}

/* The first line of out that starts with prefix (at_start) or holds it;
 * fails the test if none does. */
static const char *find_line(const char *out, const char *part, int at_start)
{
    for (const char *line = out; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        const char *at = strstr(line, part);
        if (at == line || (!at_start && at != NULL && at < line + len))
            return line;
        line += len;
        line += *line == '\n';
    }
    fail_msg("no line %s \"%s\" in:\n%s", at_start ? "starting" : "with", part,
             out);
    return NULL;
}

static long long number_after(const char *text, const char *prefix)
{
    const char *at = strstr(text, prefix);

    if (at == NULL)
        fail_msg("\"%s\" not found in:\n%s", prefix, text);
    return strtoll(at + strlen(prefix), NULL, 10);
}

/* The process line of pid in --once's table: "<pid>  <attached>  <name>". */
static const char *process_line(const char *out, DWORD pid)
{
    char prefix[32];

    snprintf(prefix, sizeof prefix, "%8lu  ", (unsigned long)pid);
    return find_line(out, prefix, 1);
}

static void assert_line_has(const char *line, const char *part)
{
    char copy[512];
    size_t len = strcspn(line, "\r\n");

    assert_true(len < sizeof copy);
    memcpy(copy, line, len);
    copy[len] = '\0';
    sc__test_assert_contains(copy, part);
}

static void test_once_shows_the_value_and_the_processes(void **state)
{
    (void)state;
    struct sc_test_run run;
    int64_t value;

    sc_exchange(4242);
    watch(&run, "--once");
    assert_int_equal(run.exit_code, 0);
    const char *out = run.output.out;
    assert_int_equal(sc__last_value(out, &value), 0);
    assert_int_equal(value, 4242);
    assert_int_equal(number_after(out, "ops/s: "), 0);
    /* This process and the watcher hold the DLL at least. */
    assert_true(number_after(out, "processes: ") >= 2);
    assert_line_has(process_line(out, GetCurrentProcessId()), "test_watch.exe");
    assert_line_has(find_line(out, "(this)", 0), "counter_watch.exe");
    sc__test_run_free(&run);
}

/* A worker that adds while the watcher looks: a rate above 0, and the
 * worker listed with how long it has been attached. */
static void test_once_shows_a_running_worker(void **state)
{
    (void)state;
    char path[MAX_PATH];
    struct sc_child worker;
    struct sc_test_run run;
    int64_t before = sc_get();

    sc__test_path(path, sizeof path, NULL, "counter_worker.exe");
    assert_int_equal(sc__child_start_in_job(&worker, path,
                                            "--times 100000000000",
                                            SC_CHILD_PIPE_OUTPUT),
                     0);
    /* A worker that never starts adding fails here, not in CTest's timeout. */
    for (DWORD waited = 0; sc_get() == before; waited++) {
        assert_true(waited < SC_TEST_CHILD_TIMEOUT_MS);
        assert_int_equal(WaitForSingleObject(worker.process, 1), WAIT_TIMEOUT);
    }
    watch(&run, "--once --interval 200");
    TerminateProcess(worker.process, 1);
    WaitForSingleObject(worker.process, INFINITE);
    assert_int_equal(run.exit_code, 0);
    assert_true(number_after(run.output.out, "ops/s: ") > 0);
    const char *line = process_line(run.output.out, worker.pid);
    assert_line_has(line, "counter_worker.exe");
    assert_line_has(line, " s ");
    sc__child_close(&worker);
    sc__test_run_free(&run);
}

static void test_json_gives_the_same_snapshot(void **state)
{
    (void)state;
    struct sc_test_run run;
    char own[128];

    sc_exchange(-77);
    watch(&run, "--json");
    assert_int_equal(run.exit_code, 0);
    const char *out = run.output.out;
    assert_int_equal(out[0], '{');
    assert_int_equal(number_after(out, "\"counter\": "), -77);
    assert_int_equal(number_after(out, "\"ops_per_second\": "), 0);
    assert_int_equal(number_after(out, "\"interval_ms\": "), 100);
    assert_true(number_after(out, "\"process_count\": ") >= 2);
    snprintf(own, sizeof own,
             "{\"pid\": %lu, \"program\": \"test_watch.exe\", \"self\": "
             "false, \"attached_ms\": ",
             (unsigned long)GetCurrentProcessId());
    sc__test_assert_contains(out, own);
    sc__test_assert_contains(out, "\"program\": \"counter_watch.exe\", "
                                  "\"self\": true, \"attached_ms\": null}");
    sc__test_assert_contains(out, "]\r\n}\r\n");
    sc__test_run_free(&run);
}

struct refusal {
    const char *args;
    const char *message;
};

static void test_bad_usage_is_refused(void **state)
{
    (void)state;
    static const struct refusal refusals[] = {
        {"--once --json",
         "counter_watch: --once and --json exclude each other"},
        {"--interval 5", "counter_watch: --interval 5 is out of range"},
        {"--interval", "counter_watch: --interval needs a value"},
        {"--twice", "counter_watch: unknown option \"--twice\""},
        /* Run from a test, stdout is a pipe. */
        {"", "counter_watch: the live view needs a console"},
    };

    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct sc_test_run run;
        watch(&run, refusals[i].args);
        assert_int_equal(run.exit_code, 2);
        sc__test_assert_contains(run.output.err, refusals[i].message);
        sc__test_assert_contains(run.output.err, "Try 'counter_watch --help'.");
        assert_string_equal(run.output.out, "");
        sc__test_run_free(&run);
    }
}

static void test_help_and_version(void **state)
{
    (void)state;
    struct sc_test_run run;

    watch(&run, "--help");
    assert_int_equal(run.exit_code, 0);
    sc__test_assert_contains(run.output.out, "usage: counter_watch");
    sc__test_assert_contains(run.output.out, "--json");
    sc__test_run_free(&run);
    watch(&run, "--version");
    assert_int_equal(run.exit_code, 0);
    sc__test_assert_contains(run.output.out,
                             "counter_watch " SC_VERSION_STRING);
    sc__test_assert_contains(run.output.out, "sharedcounter.dll");
    sc__test_run_free(&run);
}

/* ---- the live view, in a console of its own ------------------------------ */

struct console_watch {
    PROCESS_INFORMATION process;
};

/* Starts file (a program next to this one) with args in a new console,
 * and attaches this process to that console, to read what it shows and to
 * type into it. CREATE_NO_WINDOW makes the console without a window, which
 * needs no display. */
static void start_in_console(struct console_watch *w, const char *file,
                             const char *args)
{
    char path[MAX_PATH];
    wchar_t command[MAX_PATH + 80];
    STARTUPINFOW startup = {.cb = sizeof startup};

    sc__test_path(path, sizeof path, NULL, file);
    swprintf(command, sizeof command / sizeof command[0], L"\"%hs\" %hs", path,
             args);
    assert_int_equal(sc__kill_children_on_exit(), 0);
    assert_true(CreateProcessW(NULL, command, NULL, NULL, FALSE,
                               CREATE_NO_WINDOW, NULL, NULL, &startup,
                               &w->process));
    FreeConsole();
    for (int tries = 0; !AttachConsole(w->process.dwProcessId); tries++) {
        assert_true(tries < 1000);
        sc__sleep_ms(10);
    }
}

static HANDLE open_screen(void)
{
    HANDLE out = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                             OPEN_EXISTING, 0, NULL);

    assert_true(out != INVALID_HANDLE_VALUE);
    return out;
}

/* The text of the console's active screen buffer, row by row, each row
 * ended by '\n'; malloc'd. */
static char *console_text(void)
{
    HANDLE out = open_screen();
    CONSOLE_SCREEN_BUFFER_INFO info;

    assert_true(GetConsoleScreenBufferInfo(out, &info));
    int width = info.dwSize.X, height = info.dwSize.Y;
    wchar_t *row = calloc((size_t)width + 1, sizeof *row);
    char *text = calloc((size_t)(width + 1) * (size_t)height * 3 + 1, 1);
    assert_true(row != NULL && text != NULL);
    for (SHORT y = 0; y < height; y++) {
        DWORD read = 0;
        ReadConsoleOutputCharacterW(out, row, (DWORD)width, (COORD){0, y},
                                    &read);
        row[read] = L'\0';
        char *utf8 = sc__utf8_from_wide(row);
        assert_non_null(utf8);
        strcat(text, utf8);
        strcat(text, "\n");
        free(utf8);
    }
    free(row);
    CloseHandle(out);
    return text;
}

/* Waits until the console shows part. */
static void wait_for_text(const char *part)
{
    for (int tries = 0;; tries++) {
        char *text = console_text();
        int found = strstr(text, part) != NULL;
        if (!found && tries >= 1000)
            fail_msg("\"%s\" not shown; the console holds:\n%s", part, text);
        free(text);
        if (found)
            return;
        sc__sleep_ms(10);
    }
}

static void type_key(wchar_t c, WORD virtual_key)
{
    HANDLE in = CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE,
                            FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                            OPEN_EXISTING, 0, NULL);
    INPUT_RECORD key[2] = {{.EventType = KEY_EVENT}, {.EventType = KEY_EVENT}};
    DWORD written;

    assert_true(in != INVALID_HANDLE_VALUE);
    for (int i = 0; i < 2; i++) {
        key[i].Event.KeyEvent.bKeyDown = i == 0;
        key[i].Event.KeyEvent.wRepeatCount = 1;
        key[i].Event.KeyEvent.wVirtualKeyCode = virtual_key;
        key[i].Event.KeyEvent.uChar.UnicodeChar = c;
    }
    assert_true(WriteConsoleInputW(in, key, 2, &written));
    CloseHandle(in);
}

/* Types the key, checks that the watcher exits with 0 and gives the
 * console its first screen buffer back, then detaches. */
static void quit_with(struct console_watch *w, wchar_t c, WORD virtual_key)
{
    DWORD exit_code;

    type_key(c, virtual_key);
    assert_int_equal(
        WaitForSingleObject(w->process.hProcess, SC_TEST_CHILD_TIMEOUT_MS),
        WAIT_OBJECT_0);
    assert_true(GetExitCodeProcess(w->process.hProcess, &exit_code));
    assert_int_equal(exit_code, 0);
    CloseHandle(w->process.hProcess);
    CloseHandle(w->process.hThread);
    char *text = console_text();
    if (strstr(text, "sharedcounter.dll, live") != NULL)
        fail_msg("the view is still shown:\n%s", text);
    free(text);
    FreeConsole();
}

/* One try at the steps of resize(): the window must fit in the buffer at
 * every step. */
static BOOL resize_steps(HANDLE out, SHORT width, SHORT height)
{
    CONSOLE_SCREEN_BUFFER_INFO info;

    assert_true(GetConsoleScreenBufferInfo(out, &info));
    SHORT w = info.srWindow.Right - info.srWindow.Left + 1;
    SHORT h = info.srWindow.Bottom - info.srWindow.Top + 1;
    SMALL_RECT smaller = {0, 0, (SHORT)((w < width ? w : width) - 1),
                          (SHORT)((h < height ? h : height) - 1)};
    SMALL_RECT whole = {0, 0, (SHORT)(width - 1), (SHORT)(height - 1)};
    return SetConsoleWindowInfo(out, TRUE, &smaller) &&
           SetConsoleScreenBufferSize(out, (COORD){width, height}) &&
           SetConsoleWindowInfo(out, TRUE, &whole);
}

/* Gives the console's active screen buffer, and its window, a new size,
 * as a user dragging the console's border does. A console host does that
 * in one step; here it takes three, and counter_watch, which fits its
 * buffer to the window whenever it draws, may draw between them: a buffer
 * just made larger then shrinks back to the old window, and the window
 * cannot grow. So the steps are taken again, from the sizes as they are,
 * until they all succeed. */
static void resize(SHORT width, SHORT height)
{
    HANDLE out = open_screen();

    for (int tries = 0; !resize_steps(out, width, height); tries++)
        assert_true(tries < 100);
    CloseHandle(out);
}

/* Whether text (rows ended by '\n') is a whole frame of height rows: the
 * title on the first, the keys on the last. */
static int is_frame(const char *text, int height)
{
    int rows = 0;
    const char *last = text;

    for (const char *p = text; *p != '\0'; p++)
        if (*p == '\n' && p[1] != '\0') {
            rows++;
            last = p + 1;
        }
    return rows + 1 == height &&
           strncmp(text, " counter_watch: sharedcounter.dll", 33) == 0 &&
           strncmp(last, " q or Ctrl-C quits", 18) == 0;
}

static void wait_for_frame(int height)
{
    for (int tries = 0;; tries++) {
        char *text = console_text();
        int found = is_frame(text, height);
        if (!found && tries >= 1000)
            fail_msg("no whole frame of %d rows; the console holds:\n%s",
                     height, text);
        free(text);
        if (found)
            return;
        sc__sleep_ms(10);
    }
}

static void test_live_view_redraws_and_q_quits(void **state)
{
    (void)state;
    struct console_watch w;

    sc_exchange(31337);
    start_in_console(&w, "counter_watch.exe", "");
    wait_for_text("counter     31,337");
    wait_for_text("this one  counter_watch.exe");
    sc_exchange(-5);
    wait_for_text("counter     -5 ");
    quit_with(&w, L'q', 'Q');
}

/* The CPU time bound is far above what waiting takes, and far below what
 * polling would. */
static void test_live_view_follows_at_once_and_idles(void **state)
{
    (void)state;
    struct console_watch w;
    enum { IDLE_MS = 2000, IDLE_CPU_MS = 200 };

    sc_exchange(500);
    start_in_console(&w, "counter_watch.exe", "");
    wait_for_text("ops/s       0 ");
    for (int i = 1; i <= 3; i++) {
        char text[32];
        snprintf(text, sizeof text, "counter     %d ", 500 + i);
        ULONGLONG changed = sc__clock_ms();
        sc_exchange(500 + i);
        wait_for_text(text);
        print_message("redrawn within %lu ms of a change\n",
                      (unsigned long)(sc__clock_ms() - changed));
    }
    wait_for_text("ops/s       0 ");
    ULONGLONG before = sc__test_cpu_ms(w.process.hProcess);
    sc__sleep_ms(IDLE_MS);
    ULONGLONG used = sc__test_cpu_ms(w.process.hProcess) - before;
    print_message("%llu ms of CPU time over %d ms of no change\n", used,
                  IDLE_MS);
    assert_true(used < IDLE_CPU_MS);
    quit_with(&w, L'q', 'Q');
}

/* A console made smaller, then larger, is drawn whole at each size. */
static void test_live_view_follows_the_console_size(void **state)
{
    (void)state;
    struct console_watch w;

    start_in_console(&w, "counter_watch.exe", "");
    wait_for_text("counter_watch: sharedcounter.dll, live");
    resize(44, 12);
    wait_for_frame(12);
    resize(100, 30);
    wait_for_frame(30);
    quit_with(&w, 0, VK_ESCAPE);
}

static void test_live_view_quits_on_ctrl_c(void **state)
{
    (void)state;
    struct console_watch w;

    start_in_console(&w, "counter_watch.exe", "");
    wait_for_text("counter_watch: sharedcounter.dll, live");
    /* With processed input off, Ctrl-C is the character 3. */
    quit_with(&w, 3, 'C');
}

/* ---- the demo's live line ------------------------------------------------ */

static void test_demo_shows_a_live_line_on_a_console(void **state)
{
    (void)state;
    struct console_watch w;
    DWORD exit_code;

    start_in_console(&w, "counter_demo.exe", "--clients 2 --times 300000000");
    wait_for_text(" ops/s");
    wait_for_text("%");
    assert_int_equal(
        WaitForSingleObject(w.process.hProcess, 10 * SC_TEST_CHILD_TIMEOUT_MS),
        WAIT_OBJECT_0);
    assert_true(GetExitCodeProcess(w.process.hProcess, &exit_code));
    assert_int_equal(exit_code, 0);
    CloseHandle(w.process.hProcess);
    CloseHandle(w.process.hThread);
    /* Erased before the table. */
    char *text = console_text();
    sc__test_assert_contains(text, "shared counter (sharedcounter.dll)");
    if (strstr(text, "ops/s") != NULL)
        fail_msg("the live line was left behind:\n%s", text);
    free(text);
    FreeConsole();
}

static void test_demo_prints_no_live_line_into_a_pipe(void **state)
{
    (void)state;
    char path[MAX_PATH];
    struct sc_test_run run;

    sc__test_path(path, sizeof path, NULL, "counter_demo.exe");
    sc__test_run(&run, path, "--clients 2 --times 30000000", "", 0);
    assert_int_equal(run.exit_code, 0);
    sc__test_assert_contains(run.output.out, "expected +60000000: OK");
    if (strstr(run.output.out, "ops/s") != NULL ||
        strstr(run.output.out, "\xe2\x96") != NULL)
        fail_msg("a live line in the pipe:\n%s", run.output.out);
    sc__test_run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_once_shows_the_value_and_the_processes),
        cmocka_unit_test(test_once_shows_a_running_worker),
        cmocka_unit_test(test_json_gives_the_same_snapshot),
        cmocka_unit_test(test_bad_usage_is_refused),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_live_view_redraws_and_q_quits),
        cmocka_unit_test(test_live_view_follows_the_console_size),
        cmocka_unit_test(test_live_view_follows_at_once_and_idles),
        cmocka_unit_test(test_live_view_quits_on_ctrl_c),
        cmocka_unit_test(test_demo_shows_a_live_line_on_a_console),
        cmocka_unit_test(test_demo_prints_no_live_line_into_a_pipe),
    };
    return cmocka_run_group_tests(tests, sc__save_counter, sc__restore_counter);
}
