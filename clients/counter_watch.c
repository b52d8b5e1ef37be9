/*
 * counter_watch: a live view of sharedcounter.dll's counter in the console,
 * redrawn in place: the value, how fast it changes, and the processes that
 * have the DLL loaded. --once prints one snapshot as text, --json as JSON.
 *
 * The live view draws into a screen buffer of its own, the way a full-screen
 * console program does: the user's buffer, its text and its cursor stay as
 * they were and come back when the view ends. Each frame fills the whole
 * visible window, cell by cell, at the size the window has at that moment,
 * so a console that was resized is simply drawn again at its new size.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include "client.h"
#include "live.h"
#include "options.h"
#include "sharedcounter.h"

#define PROGRAM "counter_watch"

enum {
    DEFAULT_INTERVAL_MS = 100,
    MIN_INTERVAL_MS = 10,
    MAX_INTERVAL_MS = 60000
};

struct watched {
    DWORD pid;
    int self;
    int64_t attached_ms;        /* since the process started; -1: unknown */
    char program[MAX_PATH * 3]; /* UTF-8 file name; "?" when unknown */
};

struct snapshot {
    int64_t value;
    double per_second;
    int has_rate;
    uint32_t count;  /* processes with the DLL loaded */
    uint32_t listed; /* of them in processes[] */
    struct watched *processes;
};

/* ---- what is attached -----------------------------------------------------
 */

static int64_t ms_since(const FILETIME *then)
{
    FILETIME now;
    ULARGE_INTEGER a, b;

    GetSystemTimeAsFileTime(&now);
    a.LowPart = then->dwLowDateTime;
    a.HighPart = then->dwHighDateTime;
    b.LowPart = now.dwLowDateTime;
    b.HighPart = now.dwHighDateTime;
    /* FILETIME counts 100 ns steps. */
    return b.QuadPart > a.QuadPart
               ? (int64_t)((b.QuadPart - a.QuadPart) / 10000)
               : 0;
}

static void file_name_utf8(const wchar_t *path, char *out, size_t size)
{
    const wchar_t *name = wcsrchr(path, L'\\');
    char *utf8 = sc__utf8_from_wide(name != NULL ? name + 1 : path);

    snprintf(out, size, "%s", utf8 != NULL ? utf8 : "?");
    free(utf8);
}

/* The process's file name and age. A process that has just exited, or that
 * this user may not query, stays listed with what is unknown marked. The
 * DLL is loaded as the process starts (it is in its imports) or soon after,
 * so the process's age stands for how long it has been attached. */
static void describe(struct watched *w, DWORD pid)
{
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    FILETIME created, exited, kernel, user;
    wchar_t path[MAX_PATH * 2];
    DWORD len = sizeof path / sizeof path[0];

    w->pid = pid;
    w->self = pid == GetCurrentProcessId();
    w->attached_ms = -1;
    strcpy(w->program, "?");
    if (process == NULL)
        return;
    if (QueryFullProcessImageNameW(process, 0, path, &len))
        file_name_utf8(path, w->program, sizeof w->program);
    if (GetProcessTimes(process, &created, &exited, &kernel, &user))
        w->attached_ms = ms_since(&created);
    CloseHandle(process);
}

static int by_pid(const void *a, const void *b)
{
    DWORD x = ((const struct watched *)a)->pid;
    DWORD y = ((const struct watched *)b)->pid;
    return (x > y) - (x < y);
}

/* Fills in the processes; returns 0, or -1 when out of memory. The table
 * lists at most SC_PROCESS_SLOTS processes and counts those beyond it
 * without listing them, so the ids written are found by what was 0 before
 * the call: no process has id 0. */
static int take_processes(struct snapshot *shot)
{
    uint32_t *pids = calloc(SC_PROCESS_SLOTS, sizeof *pids);

    if (pids == NULL)
        return -1;
    shot->count = sc_processes(pids, SC_PROCESS_SLOTS);
    shot->listed = 0;
    while (shot->listed < SC_PROCESS_SLOTS && pids[shot->listed] != 0)
        shot->listed++;
    free(shot->processes);
    shot->processes = calloc(shot->listed + 1, sizeof *shot->processes);
    if (shot->processes == NULL) {
        free(pids);
        return -1;
    }
    for (uint32_t i = 0; i < shot->listed; i++)
        describe(&shot->processes[i], pids[i]);
    free(pids);
    qsort(shot->processes, shot->listed, sizeof *shot->processes, by_pid);
    return 0;
}

static int take_snapshot(struct snapshot *shot, struct sc_rate *rate)
{
    shot->value = sc_get();
    sc__rate_add(rate, GetTickCount64(), shot->value);
    shot->has_rate = sc__rate_per_second(rate, &shot->per_second) == 0;
    return take_processes(shot);
}

static void format_age(int64_t ms, char *buf, size_t size)
{
    if (ms < 0)
        snprintf(buf, size, "?");
    else if (ms < 60000)
        snprintf(buf, size, "%" PRId64 ".%" PRId64 " s", ms / 1000,
                 ms / 100 % 10);
    else if (ms < 3600000)
        snprintf(buf, size, "%" PRId64 " min %02" PRId64 " s", ms / 60000,
                 ms / 1000 % 60);
    else
        snprintf(buf, size, "%" PRId64 " h %02" PRId64 " min", ms / 3600000,
                 ms / 60000 % 60);
}

/* ---- one snapshot, for scripts --------------------------------------------
 */

/* --once and --json measure the rate over one interval. */
static int take_measured_snapshot(struct snapshot *shot, DWORD interval_ms)
{
    struct sc_rate rate = {0};

    sc__rate_add(&rate, GetTickCount64(), sc_get());
    Sleep(interval_ms);
    return take_snapshot(shot, &rate);
}

static void print_text(const struct snapshot *shot)
{
    char age[32];

    printf(SC_VALUE_PREFIX "%" PRId64 "\nops/s: %.0f\nprocesses: %" PRIu32,
           shot->value, shot->per_second, shot->count);
    if (shot->listed < shot->count)
        printf(" (%" PRIu32 " listed)", shot->listed);
    printf("\n%8s  %-12s  %s\n", "pid", "attached", "program");
    for (uint32_t i = 0; i < shot->listed; i++) {
        const struct watched *w = &shot->processes[i];
        if (w->self)
            snprintf(age, sizeof age, "(this)");
        else
            format_age(w->attached_ms, age, sizeof age);
        printf("%8lu  %-12s  ", (unsigned long)w->pid, age);
        fflush(stdout);
        sc__write_text(stdout, w->program);
        sc__write_text(stdout, "\n");
    }
}

/* Writes s as a JSON string: the file name is UTF-8 already; quotes,
 * backslashes and control characters are escaped. */
static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_json(const struct snapshot *shot, DWORD interval_ms)
{
    printf("{\n  \"counter\": %" PRId64 ",\n  \"ops_per_second\": %.0f,\n"
           "  \"interval_ms\": %lu,\n  \"process_count\": %" PRIu32 ",\n"
           "  \"processes\": [",
           shot->value, shot->per_second, (unsigned long)interval_ms,
           shot->count);
    for (uint32_t i = 0; i < shot->listed; i++) {
        const struct watched *w = &shot->processes[i];
        printf("%s\n    {\"pid\": %lu, \"program\": ", i > 0 ? "," : "",
               (unsigned long)w->pid);
        print_json_string(w->program);
        printf(", \"self\": %s, \"attached_ms\": ", w->self ? "true" : "false");
        if (w->self || w->attached_ms < 0)
            printf("null}");
        else
            printf("%" PRId64 "}", w->attached_ms);
    }
    printf("%s]\n}\n", shot->listed > 0 ? "\n  " : "");
}

static int print_once(int json, DWORD interval_ms)
{
    struct snapshot shot = {0};

    if (take_measured_snapshot(&shot, interval_ms) != 0) {
        sc__error(PROGRAM, "out of memory");
        return SC_EXIT_FAILURE;
    }
    if (json)
        print_json(&shot, interval_ms);
    else
        print_text(&shot);
    free(shot.processes);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        sc__error(PROGRAM, "cannot write to stdout");
        return SC_EXIT_FAILURE;
    }
    return SC_EXIT_OK;
}

/* ---- the live view --------------------------------------------------------
 */

enum {
    PLAIN = FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE,
    BRIGHT = PLAIN | FOREGROUND_INTENSITY,
    TITLE = BACKGROUND_BLUE | BRIGHT,
    LABEL = FOREGROUND_INTENSITY,
    RATE = FOREGROUND_GREEN | FOREGROUND_INTENSITY,
    SELF = FOREGROUND_GREEN | FOREGROUND_BLUE | FOREGROUND_INTENSITY,
};

/* A frame: the visible window's cells, filled line by line. */
struct frame {
    CHAR_INFO *cells;
    int width, height;
    int row;
};

/* Puts text (UTF-8) on the next row from column 0, cut at the window's
 * width; the rest of the row stays blank in attr. */
static void put_line(struct frame *f, WORD attr, const char *text)
{
    if (f->row >= f->height)
        return;
    CHAR_INFO *cells = f->cells + (size_t)f->row * (size_t)f->width;
    wchar_t *wide = sc__wide_from_utf8(text);
    size_t len = wide != NULL ? wcslen(wide) : 0;

    for (int x = 0; x < f->width; x++) {
        cells[x].Char.UnicodeChar = (size_t)x < len ? wide[x] : L' ';
        cells[x].Attributes = attr;
    }
    free(wide);
    f->row++;
}

static void put_process_rows(struct frame *f, const struct snapshot *shot)
{
    char line[MAX_PATH * 3 + 64], age[32];
    /* Keep the last row for the keys. */
    int room = f->height - f->row - 1;

    for (uint32_t i = 0; i < shot->listed && room > 0; i++, room--) {
        const struct watched *w = &shot->processes[i];
        if (room == 1 && i + 1 < shot->listed) {
            snprintf(line, sizeof line, "  ... and %" PRIu32 " more",
                     shot->listed - i);
            put_line(f, LABEL, line);
            break;
        }
        if (w->self)
            snprintf(age, sizeof age, "this one");
        else
            format_age(w->attached_ms, age, sizeof age);
        snprintf(line, sizeof line, "  %8lu  %12s  %s", (unsigned long)w->pid,
                 age, w->program);
        put_line(f, w->self ? SELF : PLAIN, line);
    }
}

static void fill_frame(struct frame *f, const struct snapshot *shot,
                       DWORD interval_ms)
{
    char line[128], number[32];

    put_line(f, TITLE, " counter_watch: sharedcounter.dll, live");
    put_line(f, PLAIN, "");
    snprintf(line, sizeof line, "  counter     %s",
             sc__format_grouped(shot->value, number, sizeof number));
    put_line(f, BRIGHT, line);
    if (shot->has_rate)
        snprintf(line, sizeof line, "  ops/s       %s",
                 sc__format_grouped((int64_t)shot->per_second, number,
                                    sizeof number));
    else
        snprintf(line, sizeof line, "  ops/s       ...");
    put_line(f, RATE, line);
    snprintf(line, sizeof line, "  processes   %" PRIu32 "%s", shot->count,
             shot->listed < shot->count ? " (not all listed)" : "");
    put_line(f, PLAIN, line);
    put_line(f, PLAIN, "");
    snprintf(line, sizeof line, "  %8s  %12s  %s", "pid", "attached for",
             "program");
    put_line(f, LABEL, line);
    put_process_rows(f, shot);
    while (f->row < f->height - 1)
        put_line(f, PLAIN, "");
    snprintf(line, sizeof line, " q or Ctrl-C quits; redrawn every %lu ms",
             (unsigned long)interval_ms);
    f->row = f->height - 1;
    put_line(f, LABEL, line);
}

/* Draws the snapshot over the whole visible window of screen. */
static void draw(HANDLE screen, const struct snapshot *shot, DWORD interval_ms)
{
    CONSOLE_SCREEN_BUFFER_INFO info;

    if (!GetConsoleScreenBufferInfo(screen, &info))
        return;
    SMALL_RECT area = info.srWindow;
    struct frame f = {.width = area.Right - area.Left + 1,
                      .height = area.Bottom - area.Top + 1};
    if (f.width <= 0 || f.height <= 0)
        return;
    /* A buffer the size of the window has nothing to scroll to, and no
     * scroll bars. */
    if (info.dwSize.X != f.width || info.dwSize.Y != f.height) {
        SetConsoleScreenBufferSize(screen,
                                   (COORD){(SHORT)f.width, (SHORT)f.height});
        area = (SMALL_RECT){0, 0, (SHORT)(f.width - 1), (SHORT)(f.height - 1)};
    }
    f.cells = calloc((size_t)f.width * (size_t)f.height, sizeof *f.cells);
    if (f.cells == NULL)
        return;
    fill_frame(&f, shot, interval_ms);
    COORD size = {(SHORT)f.width, (SHORT)f.height}, origin = {0, 0};
    WriteConsoleOutputW(screen, f.cells, size, origin, &area);
    free(f.cells);
}

static HANDLE stop_event;

/* Ctrl-C (should the console still deliver it as a signal), Ctrl-Break and
 * closing the console end the view the same way 'q' does. */
static BOOL WINAPI on_console_signal(DWORD signal)
{
    (void)signal;
    SetEvent(stop_event);
    return TRUE;
}

/* Reads what is waiting on input. Returns 1 when it asks to quit. */
static int quit_asked(HANDLE input)
{
    INPUT_RECORD records[32];
    DWORD read;

    if (!ReadConsoleInputW(input, records, 32, &read))
        return 1;
    for (DWORD i = 0; i < read; i++) {
        const KEY_EVENT_RECORD *key = &records[i].Event.KeyEvent;
        if (records[i].EventType != KEY_EVENT || !key->bKeyDown)
            continue;
        /* With processed input off, Ctrl-C arrives as the character 3. */
        wchar_t c = key->uChar.UnicodeChar;
        if (c == L'q' || c == L'Q' || c == 3 ||
            key->wVirtualKeyCode == VK_ESCAPE)
            return 1;
    }
    return 0;
}

static void run_view(HANDLE screen, HANDLE input, DWORD interval_ms)
{
    struct sc_rate rate = {0};
    struct snapshot shot = {0};
    HANDLE waits[2] = {stop_event, input};
    ULONGLONG next = GetTickCount64();

    for (;;) {
        ULONGLONG now = GetTickCount64();
        if (now >= next) {
            if (take_snapshot(&shot, &rate) != 0)
                break;
            draw(screen, &shot, interval_ms);
            next = now + interval_ms;
            continue;
        }
        DWORD woke =
            WaitForMultipleObjects(2, waits, FALSE, (DWORD)(next - now));
        if (woke == WAIT_OBJECT_0 || woke == WAIT_FAILED)
            break;
        /* A window size event also lands here: draw at once at the new
         * size rather than show a garbled frame until the next tick. */
        if (woke == WAIT_OBJECT_0 + 1) {
            if (quit_asked(input))
                break;
            next = now;
        }
    }
    free(shot.processes);
}

/* The user's console as it was before the view, to give it back. */
struct user_console {
    HANDLE screen, input;
    DWORD input_mode;
    CONSOLE_CURSOR_INFO cursor;
    CONSOLE_SCREEN_BUFFER_INFO info;
    CHAR_INFO *cells; /* the visible window's text; NULL if not saved */
};

static int save_console(struct user_console *user)
{
    user->input = GetStdHandle(STD_INPUT_HANDLE);
    user->screen = GetStdHandle(STD_OUTPUT_HANDLE);
    if (!GetConsoleCursorInfo(user->screen, &user->cursor) ||
        !GetConsoleScreenBufferInfo(user->screen, &user->info) ||
        !GetConsoleMode(user->input, &user->input_mode))
        return -1;
    SMALL_RECT area = user->info.srWindow;
    COORD size = {(SHORT)(area.Right - area.Left + 1),
                  (SHORT)(area.Bottom - area.Top + 1)};
    user->cells = calloc((size_t)size.X * (size_t)size.Y, sizeof *user->cells);
    if (user->cells != NULL &&
        !ReadConsoleOutputW(user->screen, user->cells, size, (COORD){0, 0},
                            &area)) {
        free(user->cells);
        user->cells = NULL;
    }
    return 0;
}

/* Sets again what the view never changed, too: a console shown on a
 * terminal (Wine's) redraws the terminal only where something changes, and
 * would leave the last frame and a hidden cursor behind. */
static void restore_console(struct user_console *user)
{
    SMALL_RECT area = user->info.srWindow;
    COORD size = {(SHORT)(area.Right - area.Left + 1),
                  (SHORT)(area.Bottom - area.Top + 1)};

    SetConsoleMode(user->input, user->input_mode);
    SetConsoleActiveScreenBuffer(user->screen);
    if (user->cells != NULL)
        WriteConsoleOutputW(user->screen, user->cells, size, (COORD){0, 0},
                            &area);
    SetConsoleCursorInfo(user->screen, &user->cursor);
    SetConsoleCursorPosition(user->screen, user->info.dwCursorPosition);
    free(user->cells);
}

static int live(DWORD interval_ms)
{
    struct user_console user = {0};

    if (save_console(&user) != 0)
        return sc__usage_error(PROGRAM, "the live view needs a console; "
                                        "use --once or --json in scripts");
    HANDLE screen = CreateConsoleScreenBuffer(
        GENERIC_READ | GENERIC_WRITE, 0, NULL, CONSOLE_TEXTMODE_BUFFER, NULL);
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    CONSOLE_CURSOR_INFO hidden = {.dwSize = 1, .bVisible = FALSE};
    if (screen == INVALID_HANDLE_VALUE || stop_event == NULL ||
        !SetConsoleCursorInfo(screen, &hidden) ||
        !SetConsoleActiveScreenBuffer(screen)) {
        char why[300];
        sc__error(PROGRAM, "cannot draw in the console: %s",
                  sc__win32_message(GetLastError(), why, sizeof why));
        free(user.cells);
        return SC_EXIT_FAILURE;
    }
    SetConsoleCtrlHandler(on_console_signal, TRUE);
    /* No processed input: Ctrl-C comes as a key, read with the others. */
    SetConsoleMode(user.input, ENABLE_WINDOW_INPUT | ENABLE_EXTENDED_FLAGS);

    run_view(screen, user.input, interval_ms);

    restore_console(&user);
    SetConsoleCtrlHandler(on_console_signal, FALSE);
    CloseHandle(screen);
    return SC_EXIT_OK;
}

/* ---- the command line -----------------------------------------------------
 */

static void print_help(void)
{
    printf("usage: " PROGRAM " [--interval MS]\n"
           "       " PROGRAM " --once | --json [--interval MS]\n"
           "       " PROGRAM " --help | --version\n\n"
           "Shows the counter in sharedcounter.dll and the processes that\n"
           "have that DLL file loaded, live: the value, how fast it changes\n"
           "(ops/s: its change per second over the last second), and each\n"
           "process's id, program and how long it has been running.\n"
           "q, Esc or Ctrl-C quits the view and gives the console back as\n"
           "it was.\n\n"
           "--interval MS  redraw every MS milliseconds, %d to %d\n"
           "               (default %d); --once and --json measure ops/s\n"
           "               over one interval\n"
           "--once         print one snapshot as text and exit: lines\n"
           "               \"counter: N\", \"ops/s: R\", \"processes: P\",\n"
           "               then one line per process\n"
           "--json         print the same snapshot as JSON and exit\n"
           "--version      show the version of this program and of the DLL\n"
           "--help         show this help\n\n"
           "Exit status: 0 success; 1 output failed; 2 bad arguments, or no\n"
           "console for the live view.\n",
           MIN_INTERVAL_MS, MAX_INTERVAL_MS, DEFAULT_INTERVAL_MS);
}

int main(int argc, char **argv)
{
    enum { ONCE, JSON, INTERVAL, COUNT };
    struct sc_option options[COUNT] = {
        [ONCE] = SC_FLAG_OPTION("--once"),
        [JSON] = SC_FLAG_OPTION("--json"),
        [INTERVAL] = SC_INT_OPTION("--interval", MIN_INTERVAL_MS,
                                   MAX_INTERVAL_MS, DEFAULT_INTERVAL_MS),
    };

    int status =
        sc__live_parse(PROGRAM, argc, argv, options, COUNT, print_help,
                       (const void *)sc_get, sc_version());
    if (status != SC_LIVE_RUN)
        return status;
    if (options[ONCE].given && options[JSON].given)
        return sc__usage_error(PROGRAM, "--once and --json exclude each other");
    DWORD interval_ms = (DWORD)options[INTERVAL].value;
    if (options[ONCE].given || options[JSON].given)
        return print_once(options[JSON].given, interval_ms);
    return live(interval_ms);
}
