/*
 * counter_window, driven from outside as a user would: three windows are
 * started on a desktop of their own (a Wine virtual desktop under Xvfb), a
 * button of one is clicked with BM_CLICK, keys are posted to it, and every
 * window's value is read back with WM_GETTEXT. A change made by any process,
 * a console counter_worker included, must show in every window; the time it
 * took is printed. While the counter stands still the windows must take
 * next to no CPU time (GetProcessTimes), which they would if they polled.
 *
 * CTest runs this program under xvfb-run. The desktop's name is new for
 * each run, so that its explorer starts here, with this run's DISPLAY,
 * whatever desktop the shared wineserver was serving before.
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

#include "counter_window.h"
#include "options.h"
#include "sharedcounter.h"
#include "support.h"

enum { WINDOWS = 3 };
/* Guards against a hang only: a window normally follows within a frame.
 * The windows are read every millisecond, to measure how soon. */
enum { START_TIMEOUT_MS = 30000, FOLLOW_TIMEOUT_MS = 10000, STEP_MS = 1 };
/* How long the windows are watched doing nothing, and the CPU time they may
 * take meanwhile: a bound against polling, far above what waiting takes. */
enum { IDLE_MS = 2000, IDLE_CPU_MS = 200 };

struct counter_window {
    PROCESS_INFORMATION process;
    HWND hwnd;
};

static struct counter_window windows[WINDOWS];
static wchar_t desktop_name[64];
/* The longest time a window took to show a change, for the log. */
static DWORD slowest_ms;

/* ---- starting and finding the windows -------------------------------------
 */

static void start_window(struct counter_window *w, int index)
{
    char path[MAX_PATH];
    wchar_t command[MAX_PATH + 64];
    STARTUPINFOW startup = {.cb = sizeof startup, .lpDesktop = desktop_name};

    sc__test_path(path, sizeof path, NULL, "counter_window.exe");
    swprintf(command, sizeof command / sizeof command[0],
             L"\"%hs\" --left %d --top %d", path, 20 + 400 * index, 40);
    assert_int_equal(sc__kill_children_on_exit(), 0);
    if (!CreateProcessW(NULL, command, NULL, NULL, FALSE, 0, NULL, NULL,
                        &startup, &w->process))
        fail_msg("cannot start %s: error %lu", path,
                 (unsigned long)GetLastError());
}

struct search {
    DWORD pid;
    HWND found;
};

static BOOL CALLBACK match_window(HWND hwnd, LPARAM param)
{
    struct search *search = (struct search *)param;
    wchar_t class_name[64];
    DWORD pid;

    GetWindowThreadProcessId(hwnd, &pid);
    /* The window is there while it is still being made: it is ready once
     * its last control exists and it is shown. */
    if (pid == search->pid && GetClassNameW(hwnd, class_name, 64) > 0 &&
        wcscmp(class_name, SC_WINDOW_CLASS) == 0 &&
        GetDlgItem(hwnd, SC_WINDOW_ADD) != NULL && IsWindowVisible(hwnd)) {
        search->found = hwnd;
        return FALSE;
    }
    return TRUE;
}

static void find_window(struct counter_window *w)
{
    struct search search = {w->process.dwProcessId, NULL};

    WaitForInputIdle(w->process.hProcess, START_TIMEOUT_MS);
    for (DWORD waited = 0; search.found == NULL; waited += STEP_MS) {
        if (waited > START_TIMEOUT_MS)
            fail_msg("no window from counter_window (pid %lu)",
                     (unsigned long)w->process.dwProcessId);
        sc__sleep_ms(STEP_MS);
        EnumWindows(match_window, (LPARAM)&search);
    }
    w->hwnd = search.found;
}

static int start_windows(void **state)
{
    HDESK desktop;

    (void)state;
    swprintf(desktop_name, sizeof desktop_name / sizeof desktop_name[0],
             L"sc_test_window_%lu", (unsigned long)GetCurrentProcessId());
    /* The windows are looked for from this thread, which therefore joins
     * their desktop before it touches any window. */
    desktop = CreateDesktopW(desktop_name, NULL, NULL, 0, GENERIC_ALL, NULL);
    if (desktop == NULL || !SetThreadDesktop(desktop)) {
        fprintf(stderr, "cannot create desktop: error %lu\n",
                (unsigned long)GetLastError());
        return -1;
    }
    for (int i = 0; i < WINDOWS; i++)
        start_window(&windows[i], i);
    for (int i = 0; i < WINDOWS; i++)
        find_window(&windows[i]);
    return 0;
}

static int close_windows(void **state)
{
    (void)state;
    for (int i = 0; i < WINDOWS; i++) {
        PROCESS_INFORMATION *p = &windows[i].process;
        if (p->hProcess == NULL)
            continue;
        if (windows[i].hwnd != NULL)
            PostMessageW(windows[i].hwnd, WM_CLOSE, 0, 0);
        if (WaitForSingleObject(p->hProcess, START_TIMEOUT_MS) != WAIT_OBJECT_0)
            TerminateProcess(p->hProcess, 1);
        CloseHandle(p->hProcess);
        CloseHandle(p->hThread);
    }
    print_message("slowest window to follow a change: %lu ms\n",
                  (unsigned long)slowest_ms);
    return 0;
}

static int set_up(void **state)
{
    return sc__save_counter(state) != 0 ? -1 : start_windows(state);
}

static int tear_down(void **state)
{
    close_windows(state);
    return sc__restore_counter(state);
}

/* ---- reading and driving a window -----------------------------------------
 */

static HWND control(const struct counter_window *w, int id)
{
    HWND hwnd = GetDlgItem(w->hwnd, id);

    assert_non_null(hwnd);
    return hwnd;
}

/* The text of hwnd (another process's window), as UTF-8 without commas. */
static void read_text(HWND hwnd, char *buf, size_t size)
{
    wchar_t wide[256];
    DWORD_PTR len = 0;
    size_t out = 0;

    assert_true(SendMessageTimeoutW(hwnd, WM_GETTEXT, 256, (LPARAM)wide,
                                    SMTO_ABORTIFHUNG, 5000, &len) != 0);
    wide[len < 256 ? len : 255] = L'\0';
    char *utf8 = sc__utf8_from_wide(wide);
    assert_non_null(utf8);
    for (const char *p = utf8; *p != '\0' && out + 1 < size; p++)
        if (*p != ',')
            buf[out++] = *p;
    buf[out] = '\0';
    free(utf8);
}

static int shown_value(const struct counter_window *w, int64_t *value)
{
    char text[64];

    read_text(control(w, SC_WINDOW_VALUE), text, sizeof text);
    return sc__parse_int64(text, value) == SC_PARSE_OK ? 0 : -1;
}

/* Waits until every window shows expected. */
static void assert_all_show(int64_t expected)
{
    ULONGLONG start = sc__clock_ms();

    for (int i = 0; i < WINDOWS; i++) {
        if (windows[i].process.hProcess == NULL)
            continue;
        int64_t shown = 0;
        while (shown_value(&windows[i], &shown) != 0 || shown != expected) {
            if (sc__clock_ms() - start > FOLLOW_TIMEOUT_MS)
                fail_msg("window %d shows %lld, not %lld", i, (long long)shown,
                         (long long)expected);
            sc__sleep_ms(STEP_MS);
        }
    }
    DWORD took = (DWORD)(sc__clock_ms() - start);
    if (took > slowest_ms)
        slowest_ms = took;
}

static void click(const struct counter_window *w, int id)
{
    SendMessageW(control(w, id), BM_CLICK, 0, 0);
}

/* A key as the window's message loop gets it from the keyboard. */
static void press(const struct counter_window *w, int id, WPARAM key)
{
    HWND target = control(w, id);

    PostMessageW(target, WM_KEYDOWN, key, 1);
    PostMessageW(target, WM_KEYUP, key, 1 | (3u << 30));
}

static void set_amount(const struct counter_window *w, const wchar_t *text)
{
    SendMessageW(control(w, SC_WINDOW_AMOUNT), WM_SETTEXT, 0, (LPARAM)text);
}

/* ---- the tests ------------------------------------------------------------
 */

static void test_plus_in_one_window_shows_in_every_window(void **state)
{
    (void)state;
    int64_t before = sc_get();

    click(&windows[1], SC_WINDOW_PLUS);
    assert_int_equal(sc_get(), sc__wrapping_add(before, 1));
    assert_all_show(sc__wrapping_add(before, 1));
}

static void test_console_worker_shows_in_every_window(void **state)
{
    (void)state;
    char path[MAX_PATH];
    struct sc_test_run run;
    int64_t before = sc_get();

    sc__test_path(path, sizeof path, NULL, "counter_worker.exe");
    sc__test_run(&run, path, "--times 3 --delta 7", "", 0);
    assert_int_equal(run.exit_code, 0);
    sc__test_run_free(&run);
    assert_all_show(sc__wrapping_add(before, 21));
}

static void test_minus_and_add_change_the_counter(void **state)
{
    (void)state;
    int64_t before = sc_get();

    click(&windows[0], SC_WINDOW_MINUS);
    assert_all_show(sc__wrapping_add(before, -1));
    set_amount(&windows[2], L"-12");
    click(&windows[2], SC_WINDOW_ADD);
    assert_int_equal(sc_get(), sc__wrapping_add(before, -13));
    assert_all_show(sc__wrapping_add(before, -13));
}

static void test_add_refuses_what_is_not_a_number(void **state)
{
    (void)state;
    char status[128];
    int64_t before = sc_get();

    set_amount(&windows[2], L"12 apples");
    click(&windows[2], SC_WINDOW_ADD);
    assert_int_equal(sc_get(), before);
    read_text(control(&windows[2], SC_WINDOW_STATUS), status, sizeof status);
    sc__test_assert_contains(status, "whole number");
}

static void test_reset_shows_the_old_value(void **state)
{
    (void)state;
    char status[128], expected[64];
    int64_t old = sc__wrapping_add(sc_get(), 1234567);

    sc_exchange(old);
    click(&windows[0], SC_WINDOW_RESET);
    assert_int_equal(sc_get(), 0);
    assert_all_show(0);
    read_text(control(&windows[0], SC_WINDOW_STATUS), status, sizeof status);
    snprintf(expected, sizeof expected, "Reset: it was %lld", (long long)old);
    sc__test_assert_contains(status, expected);
}

static void test_enter_adds_one(void **state)
{
    (void)state;
    int64_t before = sc_get();

    press(&windows[1], SC_WINDOW_PLUS, VK_RETURN);
    assert_all_show(sc__wrapping_add(before, 1));
    assert_int_equal(sc_get(), sc__wrapping_add(before, 1));
}

static void test_enter_in_the_amount_box_adds_the_amount(void **state)
{
    (void)state;
    int64_t before = sc_get();

    set_amount(&windows[1], L"5");
    press(&windows[1], SC_WINDOW_AMOUNT, VK_RETURN);
    assert_all_show(sc__wrapping_add(before, 5));
}

/* The title names as many processes as sc_processes() counts: the three
 * windows and this test at least. */
static void test_title_counts_the_processes(void **state)
{
    (void)state;
    ULONGLONG start = sc__clock_ms();
    wchar_t title[128], expected[64];

    for (int i = 0; i < WINDOWS; i++) {
        for (;;) {
            uint32_t count = sc_processes(NULL, 0);
            assert_true(count >= WINDOWS + 1);
            swprintf(expected, 64, L" %lu processes", (unsigned long)count);
            GetWindowTextW(windows[i].hwnd, title, 128);
            if (wcsstr(title, expected) != NULL)
                break;
            if (sc__clock_ms() - start > FOLLOW_TIMEOUT_MS)
                fail_msg("window %d's title is \"%ls\", without \"%ls\"", i,
                         title, expected);
            sc__sleep_ms(STEP_MS);
        }
    }
}

static void test_idle_windows_take_no_cpu_time(void **state)
{
    (void)state;
    ULONGLONG before[WINDOWS];

    for (int i = 0; i < WINDOWS; i++)
        before[i] = sc__test_cpu_ms(windows[i].process.hProcess);
    sc__sleep_ms(IDLE_MS);
    for (int i = 0; i < WINDOWS; i++) {
        ULONGLONG used =
            sc__test_cpu_ms(windows[i].process.hProcess) - before[i];
        print_message("window %d: %llu ms of CPU time over %d ms of no "
                      "change\n",
                      i, used, IDLE_MS);
        assert_true(used < IDLE_CPU_MS);
    }
}

static void test_escape_closes_the_window(void **state)
{
    (void)state;
    PROCESS_INFORMATION *p = &windows[2].process;
    DWORD exit_code;

    press(&windows[2], SC_WINDOW_PLUS, VK_ESCAPE);
    assert_int_equal(WaitForSingleObject(p->hProcess, FOLLOW_TIMEOUT_MS),
                     WAIT_OBJECT_0);
    assert_true(GetExitCodeProcess(p->hProcess, &exit_code));
    assert_int_equal(exit_code, 0);
    CloseHandle(p->hProcess);
    CloseHandle(p->hThread);
    memset(&windows[2], 0, sizeof windows[2]);
}

/* The manifest asks for per-monitor dpi awareness, version 2 and the
 * older form, and for long paths as every program of the project does. */
static void test_manifest_is_per_monitor_dpi_aware(void **state)
{
    (void)state;
    char path[MAX_PATH];

    sc__test_path(path, sizeof path, NULL, "counter_window.exe");
    HMODULE image = LoadLibraryExA(path, NULL, LOAD_LIBRARY_AS_DATAFILE);
    assert_non_null(image);
    HRSRC found =
        FindResourceW(image, MAKEINTRESOURCEW(1), MAKEINTRESOURCEW(24));
    assert_non_null(found);
    DWORD size = SizeofResource(image, found);
    const char *data = LockResource(LoadResource(image, found));
    assert_non_null(data);
    char *text = calloc(size + 1, 1);
    assert_non_null(text);
    memcpy(text, data, size);
    sc__test_assert_contains(text, ">PerMonitorV2, PerMonitor<");
    sc__test_assert_contains(text, ">true/pm<");
    sc__test_assert_contains(text, ">true</longPathAware>");
    free(text);
    FreeLibrary(image);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plus_in_one_window_shows_in_every_window),
        cmocka_unit_test(test_console_worker_shows_in_every_window),
        cmocka_unit_test(test_minus_and_add_change_the_counter),
        cmocka_unit_test(test_add_refuses_what_is_not_a_number),
        cmocka_unit_test(test_reset_shows_the_old_value),
        cmocka_unit_test(test_enter_adds_one),
        cmocka_unit_test(test_enter_in_the_amount_box_adds_the_amount),
        cmocka_unit_test(test_title_counts_the_processes),
        cmocka_unit_test(test_idle_windows_take_no_cpu_time),
        cmocka_unit_test(test_escape_closes_the_window),
        cmocka_unit_test(test_manifest_is_per_monitor_dpi_aware),
    };
    return cmocka_run_group_tests(tests, set_up, tear_down);
}
