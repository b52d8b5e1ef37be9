/*
 * counter_watch and the demo's live line, in one program for both systems:
 * test_watch in the Windows trees (under Wine), test_native_watch in the
 * Linux ones (run from the build folder, on the built library).
 *
 * counter_watch's snapshots for scripts, --once as text and --json, are
 * checked against what this process knows: the value it set, the
 * processes that hold the library (this one, a counter_client and the
 * watcher, each with its pid and program; on Linux exactly those three),
 * and a rate above 0 while a counter_worker adds; then its refusals of bad
 * usage, a live view without a console or terminal among them, and --help
 * and --version.
 *
 * The live view runs in a console or terminal of its own that this process
 * reads and types into: on Windows a console without a window, which this
 * process attaches to; on Linux a pseudo-terminal whose master this
 * process holds, with a small model of the screen that replays what the
 * view writes. It must redraw on a change (how soon is printed as a
 * figure), draw a whole frame after each change of size, quit with status
 * 0 on q, Esc and Ctrl-C and give the console or terminal back as it was,
 * and do next to nothing while the counter stands still. The demo's live
 * line shows while its workers run and is erased before the report; into a
 * pipe the demo writes none.
 *
 * Linux only: SIGTERM ends the view and gives the terminal back too; and,
 * where every byte the view writes can be seen, it redraws at most about 60
 * times a second while a worker adds. Windows only: the view's CPU time
 * while the counter stands still, since a console shows no redraw of the
 * same text.
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
#include <ctype.h>
#include <wchar.h>
#include <windows.h>
#else
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#endif

#include "sharedcounter.h"
#include "support.h"

enum { OUTPUT_SIZE = 16384, WAIT_MS = 20000, IDLE_MS = 2000 };
/* The demo's two workers add long enough for its live line to be seen: in
 * a Windows console, which is read every 10 ms, three times as long as on
 * a terminal, whose every byte the test reads. They are given ten times a
 * child's time to end. */
#if defined(_WIN32)
#define DEMO_TIMES "300000000"
#define DEMO_TOTAL "600000000"
#else
#define DEMO_TIMES "100000000"
#define DEMO_TOTAL "200000000"
#endif
enum { DEMO_MS = 10 * SC_TEST_CHILD_TIMEOUT_MS };
/* The first words of the demo's report. */
#define REPORT "2 counter_worker and 2 private_counter processes"

/* Each system's view of a program in a console or terminal of its own,
 * below; waiting for it to show something is the same on both. */
struct view;
static void view_wait_for(struct view *v, const char *part);

#if defined(_WIN32)

/* ---- Windows: names, children, a console of the view's own -------------- */

#define THIS_PROGRAM "test_watch.exe"
#define LIBRARY_FILE "sharedcounter.dll"
#define NEEDS "a console"
/* Other test programs that load bin/sharedcounter.dll may run beside this
 * one: SHARES_COUNTER locks out only those that read its counter. */
enum { ONLY_OURS = 0 };
/* Far above what waiting takes, and far below what polling would. */
enum { IDLE_CPU_MS = 200 };

/* A program in a console of its own, which this process is attached to. */
struct view {
    struct sc_child child;
    int width, height; /* the console's window, as last made */
};

static HANDLE open_console(const wchar_t *name)
{
    HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, 0, NULL);

    assert_true(h != INVALID_HANDLE_VALUE);
    return h;
}

/* Starts program (of bin/) with args in a new console without a window
 * (which needs no display), and attaches this process to that console, to
 * read what it shows and to type into it. */
static void view_start(struct view *v, const char *program, const char *args)
{
    char path[MAX_PATH];
    CONSOLE_SCREEN_BUFFER_INFO info;

    sc__test_path(path, sizeof path, NULL, program);
    assert_int_equal(
        sc__child_start_in_job(&v->child, path, args, SC_CHILD_OWN_CONSOLE), 0);
    FreeConsole();
    for (int tries = 0; !AttachConsole(v->child.pid); tries++) {
        assert_true(tries < 1000);
        sc__sleep_ms(10);
    }
    HANDLE out = open_console(L"CONOUT$");
    assert_true(GetConsoleScreenBufferInfo(out, &info));
    CloseHandle(out);
    v->width = info.srWindow.Right - info.srWindow.Left + 1;
    v->height = info.srWindow.Bottom - info.srWindow.Top + 1;
}

/* The text of the console's active screen buffer, row by row, each row
 * ended by '\n'; malloc'd. */
static char *view_text(struct view *v)
{
    HANDLE out = open_console(L"CONOUT$");
    CONSOLE_SCREEN_BUFFER_INFO info;

    (void)v;
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

/* The console keeps what it shows: there is nothing to read meanwhile. */
static void view_follow(struct view *v)
{
    (void)v;
    sc__sleep_ms(10);
}

static int view_ended(struct view *v)
{
    return WaitForSingleObject(v->child.process, 0) == WAIT_OBJECT_0;
}

/* counter_watch fits its buffer to the window whenever it draws: a whole
 * frame fills the buffer, at the size the console was given. */
static int view_is_whole(const struct view *v, const char *text)
{
    int rows = 0;

    for (const char *row = text; *row != '\0'; rows++) {
        size_t len = strcspn(row, "\n");
        if (len != (size_t)v->width || row[len] != '\n')
            return 0;
        row += len + 1;
    }
    return rows == v->height;
}

/* Types key as a keyboard does: Esc by its virtual key alone, and Ctrl-C,
 * with processed input off, as the character 3 with the C key. */
static void view_type(struct view *v, char key)
{
    HANDLE in = open_console(L"CONIN$");
    INPUT_RECORD records[2] = {{.EventType = KEY_EVENT},
                               {.EventType = KEY_EVENT}};
    WORD virtual_key = (WORD)toupper((unsigned char)key);
    wchar_t c = (wchar_t)key;
    DWORD written;

    (void)v;
    if (key == '\033') {
        virtual_key = VK_ESCAPE;
        c = 0;
    } else if (key == '\003') {
        virtual_key = 'C';
    }
    for (int i = 0; i < 2; i++) {
        KEY_EVENT_RECORD *k = &records[i].Event.KeyEvent;
        k->bKeyDown = i == 0;
        k->wRepeatCount = 1;
        k->wVirtualKeyCode = virtual_key;
        k->uChar.UnicodeChar = c;
    }
    assert_true(WriteConsoleInputW(in, records, 2, &written));
    CloseHandle(in);
}

/* One try at the steps of view_resize(): the window must fit in the buffer
 * at every step. */
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
static void view_resize(struct view *v, int width, int height)
{
    HANDLE out = open_console(L"CONOUT$");

    for (int tries = 0; !resize_steps(out, (SHORT)width, (SHORT)height);
         tries++)
        assert_true(tries < 100);
    CloseHandle(out);
    v->width = width;
    v->height = height;
}

static DWORD input_mode(void)
{
    HANDLE in = open_console(L"CONIN$");
    DWORD mode;

    assert_true(GetConsoleMode(in, &mode));
    CloseHandle(in);
    return mode;
}

static BOOL cursor_shown(void)
{
    HANDLE out = open_console(L"CONOUT$");
    CONSOLE_CURSOR_INFO cursor;

    assert_true(GetConsoleCursorInfo(out, &cursor));
    CloseHandle(out);
    return cursor.bVisible;
}

/* What a console's input does for a program that reads lines. */
enum {
    COOKED = ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_PROCESSED_INPUT
};

/* The view shows a screen buffer of its own without a cursor, and reads
 * keys one by one: no line editing, no echo, Ctrl-C as a key. */
static void view_assert_taken(struct view *v)
{
    (void)v;
    assert_false(cursor_shown());
    assert_int_equal(input_mode() & COOKED, 0);
}

/* The console shows its first screen buffer again, with its cursor, and
 * edits lines as before. */
static void view_assert_given_back(struct view *v)
{
    char *text = view_text(v);

    if (strstr(text, LIBRARY_FILE ", live") != NULL)
        fail_msg("the view is still shown:\n%s", text);
    free(text);
    assert_true(cursor_shown());
    assert_int_equal(input_mode() & COOKED, COOKED);
}

/* Waits up to ms for the program to end; returns its exit code. */
static int view_end(struct view *v, DWORD ms)
{
    DWORD exit_code;

    if (WaitForSingleObject(v->child.process, ms) != WAIT_OBJECT_0)
        fail_msg("the program still runs after %lu ms", (unsigned long)ms);
    assert_true(GetExitCodeProcess(v->child.process, &exit_code));
    return (int)exit_code;
}

static void view_close(struct view *v)
{
    sc__child_close(&v->child);
    FreeConsole();
}

/* A redraw of the same text leaves no trace in a console: what the view
 * costs is measured in CPU time instead. */
static void view_assert_idle(struct view *v, int ms)
{
    ULONGLONG before = sc__test_cpu_ms(v->child.process);
    sc__sleep_ms((uint32_t)ms);
    ULONGLONG used = sc__test_cpu_ms(v->child.process) - before;
    print_message("%llu ms of CPU time over %d ms of no change\n", used, ms);
    assert_true(used < IDLE_CPU_MS);
}

/* The demo's live line, seen on the console while the workers run: a
 * console holds only what it shows now. */
static void check_live_line(struct view *v)
{
    view_wait_for(v, " ops/s");
    view_wait_for(v, "%");
}

#else

/* ---- Linux: names, children, a pseudo-terminal and its screen ---------- */

#define THIS_PROGRAM "test_native_watch"
#define LIBRARY_FILE "libsharedcounter.so"
#define NEEDS "a terminal"
/* Every suite that loads the built library holds the lock native_counter. */
enum { ONLY_OURS = 1 };
/* Not the 80 columns a program might assume: the demo's line must take its
 * width from the terminal. */
enum { COLUMNS = 60, ROWS = 24 };
enum { MAX_ROWS = 48, MAX_COLUMNS = 120, TRANSCRIPT_SIZE = 1 << 20 };

/* What a terminal would show, from the sequences the view writes: cursor
 * moves (CSI row;col H), erasing (CSI K, CSI 2 J), the alternate screen and
 * the cursor's visibility (CSI ? 1049 h/l, CSI ? 25 h/l); colours are
 * skipped. For a program that writes lines, '\r' and '\n' move the cursor
 * as the terminal's output processing passes them on, and a character of
 * several bytes takes one cell, which keeps its first byte. After a resize
 * every cell holds '~', which only a whole new frame clears; a character
 * written outside the screen (lines do not wrap here) counts as garbled. */
struct screen {
    int width, height, row, column;
    char cells[MAX_ROWS][MAX_COLUMNS];
    int alternate, cursor_hidden, garbled;
    char sequence[32];
    size_t sequence_len; /* 0: not in an escape sequence */
};

static void screen_resize(struct screen *s, int width, int height)
{
    s->width = width;
    s->height = height;
    memset(s->cells, '~', sizeof s->cells);
}

static void erase(struct screen *s, int row, int from)
{
    if (row >= 0 && row < s->height && from < s->width)
        memset(&s->cells[row][from], ' ', (size_t)(s->width - from));
}

static void apply(struct screen *s, const char *params, char final)
{
    int a = 1, b = 1;

    if (params[0] == '?') {
        int set = final == 'h';
        if (strcmp(params, "?1049") == 0)
            s->alternate = set;
        else if (strcmp(params, "?25") == 0)
            s->cursor_hidden = !set;
        return;
    }
    sscanf(params, "%d;%d", &a, &b);
    if (final == 'H') {
        s->row = a - 1;
        s->column = b - 1;
    } else if (final == 'K') {
        erase(s, s->row, s->column);
    } else if (final == 'J' && a == 2) {
        for (int row = 0; row < s->height; row++)
            erase(s, row, 0);
    }
}

static void screen_feed(struct screen *s, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = bytes[i];
        if (s->sequence_len > 0) {
            if (s->sequence_len < sizeof s->sequence - 1)
                s->sequence[s->sequence_len++] = c;
            if (s->sequence_len > 2 && c >= 0x40 && c <= 0x7e) {
                s->sequence[s->sequence_len - 1] = '\0';
                apply(s, s->sequence + 2, c);
                s->sequence_len = 0;
            }
        } else if (c == '\033') {
            s->sequence[0] = c;
            s->sequence_len = 1;
        } else if (c == '\r') {
            s->column = 0;
        } else if (c == '\n') {
            s->row++;
        } else if (((unsigned char)c & 0xc0) == 0x80) {
            continue; /* the rest of a character of several bytes */
        } else if ((unsigned char)c >= 0x20) {
            if (s->row < 0 || s->row >= s->height || s->column >= s->width)
                s->garbled++;
            else
                s->cells[s->row][s->column++] = c;
        }
    }
}

/* A program on a new pseudo-terminal, whose master this process holds. */
struct view {
    pid_t pid;
    int master;
    int ended; /* the terminal's last user closed it */
    struct screen screen;
    char *transcript; /* every byte written, up to TRANSCRIPT_SIZE - 1 */
    size_t transcript_len;
};

/* Runs program, of the clients' folder, with args (space-separated) on a
 * new pseudo-terminal of COLUMNS x ROWS. */
static void view_start(struct view *v, const char *program, const char *args)
{
    char path[4096], copy[256];
    char *argv[8] = {path};
    size_t n = 1;
    struct winsize size = {.ws_row = ROWS, .ws_col = COLUMNS};

    assert_true((size_t)snprintf(path, sizeof path, "%s/%s", SC_CLIENTS_DIR,
                                 program) < sizeof path);
    assert_true((size_t)snprintf(copy, sizeof copy, "%s", args) < sizeof copy);
    for (char *arg = strtok(copy, " "); arg != NULL; arg = strtok(NULL, " ")) {
        assert_true(n + 1 < sizeof argv / sizeof argv[0]);
        argv[n++] = arg;
    }
    memset(v, 0, sizeof *v);
    v->transcript = calloc(TRANSCRIPT_SIZE, 1);
    assert_non_null(v->transcript);
    screen_resize(&v->screen, COLUMNS, ROWS);
    pid_t parent = getpid();
    v->pid = forkpty(&v->master, NULL, NULL, &size);
    assert_true(v->pid >= 0);
    if (v->pid == 0) {
        /* The view dies with the test, however the test ends. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(126);
        execv(path, argv);
        _exit(127);
    }
}

/* Feeds what the program wrote within ms to the screen. */
static void read_output(struct view *v, int ms)
{
    struct pollfd poll_fd = {.fd = v->master, .events = POLLIN};
    char bytes[4096];

    if (v->ended || poll(&poll_fd, 1, ms) <= 0)
        return;
    ssize_t got = read(v->master, bytes, sizeof bytes);
    if (got > 0) {
        size_t room = TRANSCRIPT_SIZE - 1 - v->transcript_len;
        size_t kept = (size_t)got < room ? (size_t)got : room;
        memcpy(v->transcript + v->transcript_len, bytes, kept);
        v->transcript_len += kept;
        screen_feed(&v->screen, bytes, (size_t)got);
    } else if (got == 0 || errno == EIO)
        v->ended = 1;
}

/* Reads until the program has closed the terminal, for up to ms. */
static void read_to_end(struct view *v, unsigned ms)
{
    uint64_t deadline = sc__clock_ms() + ms;

    while (!v->ended) {
        if (sc__clock_ms() > deadline)
            fail_msg("the terminal is still open after %u ms", ms);
        read_output(v, 1000);
    }
}

/* The screen, row by row, each row ended by '\n'; malloc'd. */
static char *view_text(struct view *v)
{
    const struct screen *s = &v->screen;
    char *text = malloc((size_t)(s->width + 1) * (size_t)s->height + 1);
    char *at = text;

    assert_non_null(text);
    for (int row = 0; row < s->height; row++) {
        memcpy(at, s->cells[row], (size_t)s->width);
        at += s->width;
        *at++ = '\n';
    }
    *at = '\0';
    return text;
}

static void view_follow(struct view *v)
{
    read_output(v, 50);
}

static int view_ended(struct view *v)
{
    return v->ended;
}

/* No cell left from before the last resize, and nothing written outside
 * the screen. */
static int view_is_whole(const struct view *v, const char *text)
{
    return v->screen.garbled == 0 && strchr(text, '~') == NULL;
}

static void view_type(struct view *v, char key)
{
    assert_int_equal(write(v->master, &key, 1), 1);
}

static void view_resize(struct view *v, int width, int height)
{
    struct winsize size = {.ws_col = (unsigned short)width,
                           .ws_row = (unsigned short)height};

    assert_true(width <= MAX_COLUMNS && height <= MAX_ROWS);
    assert_int_equal(ioctl(v->master, TIOCSWINSZ, &size), 0);
    screen_resize(&v->screen, width, height);
    kill(v->pid, SIGWINCH);
}

static struct termios terminal_modes(int master)
{
    struct termios modes;

    assert_int_equal(tcgetattr(master, &modes), 0);
    return modes;
}

/* What a terminal does for a program that reads lines. */
enum { COOKED = ICANON | ECHO | ISIG };

/* The alternate screen without a cursor, in raw mode. */
static void view_assert_taken(struct view *v)
{
    assert_int_equal(v->screen.alternate, 1);
    assert_int_equal(v->screen.cursor_hidden, 1);
    assert_int_equal(terminal_modes(v->master).c_lflag & COOKED, 0);
}

/* The terminal has left the alternate screen, shows the cursor again and
 * has its modes back. */
static void view_assert_given_back(struct view *v)
{
    struct termios modes = terminal_modes(v->master);

    assert_int_equal(v->screen.alternate, 0);
    assert_int_equal(v->screen.cursor_hidden, 0);
    assert_int_equal(modes.c_lflag & COOKED, COOKED);
    assert_true(modes.c_iflag & ICRNL);
}

/* Reads until the program has closed the terminal and exited, for up to
 * ms; returns its wait status. */
static int view_end(struct view *v, unsigned ms)
{
    int status;

    read_to_end(v, ms);
    assert_int_equal(waitpid(v->pid, &status, 0), v->pid);
    return status;
}

static void view_close(struct view *v)
{
    close(v->master);
    free(v->transcript);
}

/* Bytes the program writes within ms. */
static size_t bytes_within(struct view *v, int ms)
{
    size_t before = v->transcript_len;
    uint64_t end = sc__clock_ms() + (uint64_t)ms;

    for (uint64_t now = sc__clock_ms(); now < end && !v->ended;
         now = sc__clock_ms())
        read_output(v, (int)(end - now));
    return v->transcript_len - before;
}

/* Every byte written is seen here: the view writes none at all. */
static void view_assert_idle(struct view *v, int ms)
{
    size_t idle = bytes_within(v, ms);
    print_message("bytes written over %d ms of no change: %zu\n", ms, idle);
    assert_int_equal(idle, 0);
}

/* The demo's live line, in every byte the demo wrote up to its end: the
 * line may come and go between two reads of the terminal, but the order
 * and the bytes tell more than a screen. */
static void check_live_line(struct view *v)
{
    char erased[COLUMNS + 1];

    read_to_end(v, DEMO_MS);
    const char *text = v->transcript;
    const char *report = strstr(text, REPORT);
    assert_non_null(report);
    const char *bar = strstr(text, "\r[\xe2\x96");
    const char *rate = strstr(text, " ops/s");
    if (bar == NULL || bar > report || rate == NULL || rate > report)
        fail_msg("no live line before the report:\n%s", text);
    /* The line, COLUMNS - 1 columns, erased at the width it had. */
    erased[0] = '\r';
    memset(erased + 1, ' ', COLUMNS - 1);
    erased[COLUMNS] = '\r';
    assert_true(report - text > COLUMNS + 1);
    assert_memory_equal(report - (COLUMNS + 1), erased, COLUMNS + 1);
    assert_null(strstr(report, "ops/s"));
    sc__test_assert_contains(report, "expected +" DEMO_TOTAL ": OK");
}

#endif

/* ---- what the programs print --------------------------------------------- */

#define TITLE " counter_watch: " LIBRARY_FILE ", live"
#define KEYS " q or Ctrl-C quits"

static void assert_starts_with(const char *text, const char *start)
{
    if (strncmp(text, start, strlen(start)) != 0)
        fail_msg("not \"%s\" at the start of:\n%s", start, text);
}

static void assert_line_has(const char *line, const char *part)
{
    char copy[512];
    size_t len = strcspn(line, "\n");

    assert_true(len < sizeof copy);
    memcpy(copy, line, len);
    copy[len] = '\0';
    if (strstr(copy, part) == NULL)
        fail_msg("\"%s\" not in the line \"%s\"", part, copy);
}

/* The number between prefix and end in text. */
static long long number_between(const char *text, const char *prefix,
                                const char *end)
{
    const char *at = strstr(text, prefix);
    char *after;

    if (at == NULL)
        fail_msg("\"%s\" not found in:\n%s", prefix, text);
    at += strlen(prefix);
    long long number = strtoll(at, &after, 10);
    if (after == at || strncmp(after, end, strlen(end)) != 0)
        fail_msg("no number after \"%s\" in:\n%s", prefix, text);
    return number;
}

/* count processes hold the library, ours of them this test's. */
static void assert_processes(long long count, long long ours)
{
    if (ONLY_OURS ? count != ours : count < ours)
        fail_msg("%lld processes hold the library; this test has %lld", count,
                 ours);
}

/* The line of out that starts with the table's "<pid>  " for pid. */
static const char *process_line(const char *out, uint32_t pid)
{
    char prefix[32];

    snprintf(prefix, sizeof prefix, "\n%8lu  ", (unsigned long)pid);
    const char *line = strstr(out, prefix);
    if (line == NULL)
        fail_msg("no line for pid %lu in:\n%s", (unsigned long)pid, out);
    return line + 1;
}

/* Runs counter_watch with up to three arguments (a NULL ends them early),
 * its stdout into out; returns its exit status. */
static int watch(struct sc_test_child *watcher, char *out, size_t size,
                 const char *first, const char *second, const char *third)
{
    sc__test_child_start_in(watcher, NULL, "counter_watch" SC_EXE_SUFFIX, first,
                            second, third, NULL);
    return sc__test_child_finish(watcher, out, size);
}

/* A counter_client that holds the library until finished. */
static void start_holder(struct sc_test_child *holder)
{
    char line[128];

    sc__test_child_start_in(holder, NULL, "counter_client" SC_EXE_SUFFIX, NULL);
    sc__test_child_line(holder, line, sizeof line);
    assert_starts_with(line, "counter: ");
}

/* ---- snapshots ---------------------------------------------------------- */

static void once_shows_the_value_and_the_processes(void **state)
{
    struct sc_test_child holder, watcher;
    char out[OUTPUT_SIZE];

    (void)state;
    start_holder(&holder);
    sc_exchange(4242);
    assert_int_equal(watch(&watcher, out, sizeof out, "--once", NULL, NULL), 0);
    assert_string_equal(watcher.errors, "");
    assert_starts_with(out, "counter: 4242\nops/s: 0\nprocesses: ");
    assert_processes(number_between(out, "\nprocesses: ", "\n"), 3);
    assert_line_has(process_line(out, sc__test_pid()), THIS_PROGRAM);
    const char *line = process_line(out, sc__test_child_pid(&holder));
    assert_line_has(line, "counter_client" SC_EXE_SUFFIX);
    assert_line_has(line, " s ");
    assert_line_has(process_line(out, sc__test_child_pid(&watcher)),
                    "(this)        counter_watch" SC_EXE_SUFFIX);
    assert_int_equal(sc__test_child_finish(&holder, NULL, 0), 0);
}

static void json_gives_the_same_snapshot(void **state)
{
    struct sc_test_child holder, watcher;
    char out[OUTPUT_SIZE], entry[256];

    (void)state;
    start_holder(&holder);
    sc_exchange(-77);
    assert_int_equal(
        watch(&watcher, out, sizeof out, "--json", "--interval", "50"), 0);
    assert_starts_with(out, "{\n  \"counter\": -77,\n  \"ops_per_second\": 0,\n"
                            "  \"interval_ms\": 50,\n  \"process_count\": ");
    assert_processes(number_between(out, "\"process_count\": ", ",\n"), 3);
    snprintf(entry, sizeof entry,
             "{\"pid\": %lu, \"program\": \"" THIS_PROGRAM "\", \"self\": "
             "false, \"attached_ms\": ",
             (unsigned long)sc__test_pid());
    sc__test_assert_contains(out, entry);
    snprintf(entry, sizeof entry,
             "{\"pid\": %lu, \"program\": \"counter_client" SC_EXE_SUFFIX
             "\", \"self\": false, \"attached_ms\": ",
             (unsigned long)sc__test_child_pid(&holder));
    sc__test_assert_contains(out, entry);
    snprintf(entry, sizeof entry,
             "{\"pid\": %lu, \"program\": \"counter_watch" SC_EXE_SUFFIX
             "\", \"self\": true, \"attached_ms\": null}",
             (unsigned long)sc__test_child_pid(&watcher));
    sc__test_assert_contains(out, entry);
    sc__test_assert_contains(out, "}\n  ]\n}\n");
    assert_int_equal(sc__test_child_finish(&holder, NULL, 0), 0);
    /* Without --interval, the rate is measured over 100 ms. */
    assert_int_equal(watch(&watcher, out, sizeof out, "--json", NULL, NULL), 0);
    sc__test_assert_contains(out, "\n  \"interval_ms\": 100,\n");
}

/* A worker that adds while the watcher looks: a rate above 0, and the
 * worker listed with how long it has been attached. */
static void once_measures_a_running_worker(void **state)
{
    struct sc_test_child worker, watcher;
    char out[OUTPUT_SIZE];
    int64_t before = sc_get();

    (void)state;
    sc__test_child_start_in(&worker, NULL, "counter_worker" SC_EXE_SUFFIX,
                            "--times", "100000000000", NULL);
    /* A worker that never starts adding fails here, not in CTest's
     * timeout. */
    uint64_t deadline = sc__clock_ms() + SC_TEST_CHILD_TIMEOUT_MS;
    while (sc_get() == before) {
        assert_false(sc__test_child_ended(&worker, 1));
        assert_true(sc__clock_ms() < deadline);
    }
    int status =
        watch(&watcher, out, sizeof out, "--once", "--interval", "200");
    sc__test_child_kill(&worker);
    sc__test_child_finish(&worker, NULL, 0);
    assert_int_equal(status, 0);
    assert_true(number_between(out, "\nops/s: ", "\n") > 0);
    const char *line = process_line(out, sc__test_child_pid(&worker));
    assert_line_has(line, "counter_worker" SC_EXE_SUFFIX);
    assert_line_has(line, " s ");
}

static void bad_usage_is_refused(void **state)
{
    static const struct {
        const char *args[3];
        const char *message;
    } refusals[] = {
        {{"--once", "--json"},
         "counter_watch: --once and --json exclude each other\n"},
        {{"--interval", "5"}, "counter_watch: --interval 5 is out of range"},
        {{"--interval"}, "counter_watch: --interval needs a value\n"},
        {{"--twice"}, "counter_watch: unknown option \"--twice\"\n"},
        /* Here stdin and stdout are pipes. */
        {{NULL},
         "counter_watch: the live view needs " NEEDS "; use --once or "
         "--json in scripts\n"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct sc_test_child watcher;
        char out[256];
        const char *const *args = refusals[i].args;
        assert_int_equal(
            watch(&watcher, out, sizeof out, args[0], args[1], args[2]), 2);
        assert_string_equal(out, "");
        assert_starts_with(watcher.errors, refusals[i].message);
        sc__test_assert_contains(watcher.errors,
                                 "\nTry 'counter_watch --help'.\n");
    }
}

static void help_and_version(void **state)
{
    struct sc_test_child watcher;
    char out[OUTPUT_SIZE];

    (void)state;
    assert_int_equal(watch(&watcher, out, sizeof out, "--help", NULL, NULL), 0);
    sc__test_assert_contains(out, "usage: counter_watch");
    sc__test_assert_contains(out, "--json");
    assert_int_equal(watch(&watcher, out, sizeof out, "--version", NULL, NULL),
                     0);
    sc__test_assert_contains(out, "counter_watch " SC_VERSION_STRING);
    sc__test_assert_contains(out, LIBRARY_FILE);
}

/* ---- the live view ------------------------------------------------------- */

/* Whether text, the screen's rows, is a whole frame: the title on the first
 * row and the keys on the last, both cut at the width. */
static int is_frame(const struct view *v, const char *text)
{
    const char *last = text;
    size_t width = strcspn(text, "\n");
    size_t title = strlen(TITLE), keys = strlen(KEYS);

    if (!view_is_whole(v, text))
        return 0;
    for (const char *p = text; *p != '\0'; p++)
        if (*p == '\n' && p[1] != '\0')
            last = p + 1;
    return strncmp(text, TITLE, title < width ? title : width) == 0 &&
           strncmp(last, KEYS, keys < width ? keys : width) == 0;
}

/* Waits for the screen to show part, or (part NULL) a whole frame. */
static void view_wait_for(struct view *v, const char *part)
{
    uint64_t deadline = sc__clock_ms() + WAIT_MS;

    for (;;) {
        char *text = view_text(v);
        int found =
            part != NULL ? strstr(text, part) != NULL : is_frame(v, text);
        if (!found && (view_ended(v) || sc__clock_ms() > deadline))
            fail_msg("no %s \"%s\" on the screen:\n%s",
                     part != NULL ? "text" : "whole frame",
                     part != NULL ? part : "", text);
        free(text);
        if (found)
            return;
        view_follow(v);
    }
}

/* Types key; the view must end with status 0 and give the console or
 * terminal back as it was. */
static void quit_with(struct view *v, char key)
{
    view_type(v, key);
    assert_int_equal(view_end(v, SC_TEST_CHILD_TIMEOUT_MS), 0);
    view_assert_given_back(v);
    view_close(v);
}

static void live_view_redraws_and_q_quits(void **state)
{
    struct view v;

    (void)state;
    sc_exchange(31337);
    view_start(&v, "counter_watch" SC_EXE_SUFFIX, "--interval 100");
    view_wait_for(&v, "counter     31,337 ");
    view_wait_for(&v, "this one  counter_watch" SC_EXE_SUFFIX);
    view_assert_taken(&v);
    sc_exchange(-5);
    view_wait_for(&v, "counter     -5 ");
    quit_with(&v, 'q');
}

/* With a redraw only once a minute, only the size change can bring the
 * frame at the new size. */
static void live_view_follows_a_resize(void **state)
{
    struct view v;
    char title_row[64];
    const int sizes[][2] = {{30, 10}, {100, 30}, {44, 12}};

    (void)state;
    view_start(&v, "counter_watch" SC_EXE_SUFFIX, "--interval 60000");
    view_wait_for(&v, NULL);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        view_resize(&v, sizes[i][0], sizes[i][1]);
        view_wait_for(&v, NULL);
    }
    /* The title, filled with blanks to the 44 columns. */
    snprintf(title_row, sizeof title_row, "%-44s\n", TITLE);
    char *text = view_text(&v);
    assert_starts_with(text, title_row);
    free(text);
    quit_with(&v, '\033');
}

static void live_view_quits_on_ctrl_c(void **state)
{
    struct view v;

    (void)state;
    view_start(&v, "counter_watch" SC_EXE_SUFFIX, "--interval 100");
    view_wait_for(&v, TITLE);
    quit_with(&v, '\003');
}

/* At the default interval, 16 ms, a change shows within a frame or so;
 * once ops/s has fallen to 0, the view does next to nothing while the
 * counter stands still, however long it runs. */
static void live_view_redraws_on_change_and_idles(void **state)
{
    struct view v;
    char text[32];

    (void)state;
    sc_exchange(1000);
    view_start(&v, "counter_watch" SC_EXE_SUFFIX, "");
    view_wait_for(&v, "ops/s       0 ");
    for (int i = 0; i < 5; i++) {
        snprintf(text, sizeof text, "counter     2,00%d ", i);
        uint64_t changed = sc__clock_ms();
        sc_exchange(2000 + i);
        view_wait_for(&v, text);
        print_message("redrawn %" PRIu64 " ms after a change\n",
                      sc__clock_ms() - changed);
    }
    view_wait_for(&v, "ops/s       0 ");
    view_assert_idle(&v, IDLE_MS);
    quit_with(&v, 'q');
}

/* ---- the demo's live line ----------------------------------------------- */

/* The bar and the rate, redrawn in place while the workers run, then
 * erased before the report, whose first line takes the line's place. */
static void demo_shows_a_live_line_on_a_terminal(void **state)
{
    struct view v;

    (void)state;
    view_start(&v, "counter_demo" SC_EXE_SUFFIX,
               "--clients 2 --times " DEMO_TIMES);
    check_live_line(&v);
    assert_int_equal(view_end(&v, DEMO_MS), 0);
    char *text = view_text(&v);
    assert_starts_with(text, REPORT);
    sc__test_assert_contains(text, "shared counter (" LIBRARY_FILE ")");
    if (strstr(text, "ops/s") != NULL)
        fail_msg("the live line was left behind:\n%s", text);
    free(text);
    view_close(&v);
}

static void demo_prints_no_live_line_into_a_pipe(void **state)
{
    struct sc_test_child demo;
    char out[OUTPUT_SIZE];

    (void)state;
    sc__test_child_start_in(&demo, NULL, "counter_demo" SC_EXE_SUFFIX,
                            "--clients", "2", "--times", "30000000", NULL);
    assert_int_equal(sc__test_child_finish(&demo, out, sizeof out), 0);
    sc__test_assert_contains(out, "expected +60000000: OK");
    if (strstr(out, "ops/s") != NULL || strstr(out, "\xe2\x96") != NULL ||
        strchr(out, '\r') != NULL)
        fail_msg("a live line in the pipe:\n%s", out);
}

/* ---- Linux only: what the view writes ----------------------------------- */

#if !defined(_WIN32)

/* The terminal comes back, then the view ends by the signal it was sent. */
static void live_view_gives_the_terminal_back_on_sigterm(void **state)
{
    struct view v;

    (void)state;
    view_start(&v, "counter_watch", "--interval 100");
    view_wait_for(&v, TITLE);
    view_assert_taken(&v);
    kill(v.pid, SIGTERM);
    int status = view_end(&v, SC_TEST_CHILD_TIMEOUT_MS);
    view_assert_given_back(&v);
    view_close(&v);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
}

/* Every frame writes the title row once. */
static size_t count_frames(const char *text, size_t len)
{
    size_t frames = 0;

    for (const char *p = text; (p = memmem(p, len - (size_t)(p - text), TITLE,
                                           strlen(TITLE))) != NULL;
         p++)
        frames++;
    return frames;
}

static void live_view_redraws_at_most_once_a_frame(void **state)
{
    struct sc_test_child worker;
    struct view v;

    (void)state;
    view_start(&v, "counter_watch", "--interval 16");
    view_wait_for(&v, NULL);
    sc__test_child_start_in(&worker, NULL, "counter_worker", "--times",
                            "100000000000", NULL);
    bytes_within(&v, 500);
    size_t from = v.transcript_len;
    bytes_within(&v, 2000);
    size_t frames = count_frames(v.transcript + from, v.transcript_len - from);
    sc__test_child_kill(&worker);
    sc__test_child_finish(&worker, NULL, 0);
    print_message("%zu redraws in 2 s while a worker adds\n", frames);
    assert_true(frames > 0);
    /* 2 s at 60 a second, with room for a slow or bursty machine. */
    assert_true(frames <= 200);
    quit_with(&v, 'q');
}

#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(once_shows_the_value_and_the_processes),
        cmocka_unit_test(json_gives_the_same_snapshot),
        cmocka_unit_test(once_measures_a_running_worker),
        cmocka_unit_test(bad_usage_is_refused),
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(live_view_redraws_and_q_quits),
        cmocka_unit_test(live_view_follows_a_resize),
        cmocka_unit_test(live_view_quits_on_ctrl_c),
        cmocka_unit_test(live_view_redraws_on_change_and_idles),
        cmocka_unit_test(demo_shows_a_live_line_on_a_terminal),
        cmocka_unit_test(demo_prints_no_live_line_into_a_pipe),
#if !defined(_WIN32)
        cmocka_unit_test(live_view_gives_the_terminal_back_on_sigterm),
        cmocka_unit_test(live_view_redraws_at_most_once_a_frame),
#endif
    };
    sc__test_filter_from_environment();
    return cmocka_run_group_tests(tests, sc__save_counter, sc__restore_counter);
}
