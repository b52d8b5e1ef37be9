/*
 * counter_watch on Windows; see watch.h. The live view draws into a console
 * screen buffer of its own, the way a full-screen console program does: the
 * user's buffer, its text and its cursor stay as they were and come back
 * when the view ends. The buffer is kept the size of the window, and every
 * frame writes every cell of it. The view waits on its input, on an event
 * that ends it, and on one that the thread waiting on the counter sets.
 */
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include "options.h"
#include "text_paths.h"

/* ---- what is attached ---------------------------------------------------- */

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

void sc__watch_describe(struct sc_watched *w, uint32_t pid)
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

/* ---- the live view ------------------------------------------------------- */

enum {
    PLAIN = FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE,
    BRIGHT = PLAIN | FOREGROUND_INTENSITY,
};

static const WORD attributes[] = {
    [SC_STYLE_PLAIN] = PLAIN,
    [SC_STYLE_BRIGHT] = BRIGHT,
    [SC_STYLE_TITLE] = BACKGROUND_BLUE | BRIGHT,
    [SC_STYLE_LABEL] = FOREGROUND_INTENSITY,
    [SC_STYLE_RATE] = FOREGROUND_GREEN | FOREGROUND_INTENSITY,
    [SC_STYLE_SELF] = FOREGROUND_GREEN | FOREGROUND_BLUE | FOREGROUND_INTENSITY,
};

struct sc_watch_screen {
    HANDLE view, stop, changed;
    SMALL_RECT area; /* the view's visible window, from sc__watch_size() */

    /* The user's console as it was before the view, to give it back. */
    HANDLE screen, input;
    DWORD input_mode;
    CONSOLE_CURSOR_INFO cursor;
    CONSOLE_SCREEN_BUFFER_INFO info;
    CHAR_INFO *cells; /* the visible window's text; NULL if not saved */
};

/* The one the console control handler stops. */
static HANDLE stop_event;

/* Ctrl-C (should the console still deliver it as a signal), Ctrl-Break and
 * closing the console end the view the same way 'q' does. */
static BOOL WINAPI on_console_signal(DWORD signal)
{
    (void)signal;
    SetEvent(stop_event);
    return TRUE;
}

static COORD window_size(SMALL_RECT area)
{
    return (COORD){(SHORT)(area.Right - area.Left + 1),
                   (SHORT)(area.Bottom - area.Top + 1)};
}

static int save_console(struct sc_watch_screen *s)
{
    s->input = GetStdHandle(STD_INPUT_HANDLE);
    s->screen = GetStdHandle(STD_OUTPUT_HANDLE);
    if (!GetConsoleCursorInfo(s->screen, &s->cursor) ||
        !GetConsoleScreenBufferInfo(s->screen, &s->info) ||
        !GetConsoleMode(s->input, &s->input_mode))
        return -1;
    SMALL_RECT area = s->info.srWindow;
    COORD size = window_size(area);
    s->cells = calloc((size_t)size.X * (size_t)size.Y, sizeof *s->cells);
    if (s->cells != NULL &&
        !ReadConsoleOutputW(s->screen, s->cells, size, (COORD){0, 0}, &area)) {
        free(s->cells);
        s->cells = NULL;
    }
    return 0;
}

/* Sets again what the view never changed, too: a console shown on a
 * terminal (Wine's) redraws the terminal only where something changes, and
 * would leave the last frame and a hidden cursor behind. */
static void restore_console(struct sc_watch_screen *s)
{
    SMALL_RECT area = s->info.srWindow;

    SetConsoleMode(s->input, s->input_mode);
    SetConsoleActiveScreenBuffer(s->screen);
    if (s->cells != NULL)
        WriteConsoleOutputW(s->screen, s->cells, window_size(area),
                            (COORD){0, 0}, &area);
    SetConsoleCursorInfo(s->screen, &s->cursor);
    SetConsoleCursorPosition(s->screen, s->info.dwCursorPosition);
    free(s->cells);
}

static void close_handles(struct sc_watch_screen *s)
{
    if (s->view != INVALID_HANDLE_VALUE)
        CloseHandle(s->view);
    if (s->stop != NULL)
        CloseHandle(s->stop);
    if (s->changed != NULL)
        CloseHandle(s->changed);
    free(s);
}

struct sc_watch_screen *sc__watch_open(const char *program, int *status)
{
    struct sc_watch_screen *s = calloc(1, sizeof *s);

    if (s == NULL) {
        sc__error(program, "out of memory");
        *status = SC_EXIT_FAILURE;
        return NULL;
    }
    if (save_console(s) != 0) {
        free(s);
        *status = sc__usage_error(program, "the live view needs a console; "
                                           "use --once or --json in scripts");
        return NULL;
    }
    s->view = CreateConsoleScreenBuffer(GENERIC_READ | GENERIC_WRITE, 0, NULL,
                                        CONSOLE_TEXTMODE_BUFFER, NULL);
    s->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    s->changed = CreateEventW(NULL, FALSE, FALSE, NULL);
    CONSOLE_CURSOR_INFO hidden = {.dwSize = 1, .bVisible = FALSE};
    if (s->view == INVALID_HANDLE_VALUE || s->stop == NULL ||
        s->changed == NULL || !SetConsoleCursorInfo(s->view, &hidden) ||
        !SetConsoleActiveScreenBuffer(s->view)) {
        char why[300];
        sc__error(program, "cannot draw in the console: %s",
                  sc__win32_message(GetLastError(), why, sizeof why));
        free(s->cells);
        close_handles(s);
        *status = SC_EXIT_FAILURE;
        return NULL;
    }
    stop_event = s->stop;
    SetConsoleCtrlHandler(on_console_signal, TRUE);
    /* No processed input: Ctrl-C comes as a key, read with the others. */
    SetConsoleMode(s->input, ENABLE_WINDOW_INPUT | ENABLE_EXTENDED_FLAGS);
    return s;
}

void sc__watch_close(struct sc_watch_screen *s)
{
    restore_console(s);
    SetConsoleCtrlHandler(on_console_signal, FALSE);
    close_handles(s);
}

void sc__watch_size(struct sc_watch_screen *s, int *width, int *height)
{
    CONSOLE_SCREEN_BUFFER_INFO info;

    if (!GetConsoleScreenBufferInfo(s->view, &info)) {
        *width = *height = 1;
        s->area = (SMALL_RECT){0, 0, 0, 0};
        return;
    }
    s->area = info.srWindow;
    COORD size = window_size(s->area);
    /* A buffer the size of the window has nothing to scroll to, and no
     * scroll bars. */
    if (info.dwSize.X != size.X || info.dwSize.Y != size.Y) {
        SetConsoleScreenBufferSize(s->view, size);
        s->area = (SMALL_RECT){0, 0, (SHORT)(size.X - 1), (SHORT)(size.Y - 1)};
    }
    *width = size.X > 0 ? size.X : 1;
    *height = size.Y > 0 ? size.Y : 1;
}

/* The row's text from column 0, cut at the frame's width; the rest of the
 * row blank in the row's colours. */
static void put_row(CHAR_INFO *cells, int width, const struct sc_watch_row *row)
{
    wchar_t *wide = sc__wide_from_utf8(row->text);
    size_t len = wide != NULL ? wcslen(wide) : 0;

    for (int x = 0; x < width; x++) {
        cells[x].Char.UnicodeChar = (size_t)x < len ? wide[x] : L' ';
        cells[x].Attributes = attributes[row->style];
    }
    free(wide);
}

void sc__watch_draw(struct sc_watch_screen *s, const struct sc_watch_frame *f)
{
    size_t width = (size_t)f->width;
    CHAR_INFO *cells = calloc(width * (size_t)f->height, sizeof *cells);

    if (cells == NULL)
        return;
    for (int y = 0; y < f->height; y++)
        put_row(cells + (size_t)y * width, f->width, &f->rows[y]);
    COORD size = {(SHORT)f->width, (SHORT)f->height};
    WriteConsoleOutputW(s->view, cells, size, (COORD){0, 0}, &s->area);
    free(cells);
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

void sc__watch_changed(struct sc_watch_screen *s)
{
    SetEvent(s->changed);
}

/* A window size event wakes the view as a key does. Input comes before a
 * change, which a counter that changes all the time would otherwise bring
 * every time; a key redraws anyway. */
enum sc_watch_event sc__watch_wait(struct sc_watch_screen *s, uint64_t ms)
{
    HANDLE waits[3] = {s->stop, s->input, s->changed};
    DWORD woke = WaitForMultipleObjects(3, waits, FALSE, (DWORD)ms);

    if (woke == WAIT_OBJECT_0 || woke == WAIT_FAILED)
        return SC_WATCH_QUIT;
    if (woke == WAIT_OBJECT_0 + 1)
        return quit_asked(s->input) ? SC_WATCH_QUIT : SC_WATCH_REDRAW;
    return woke == WAIT_OBJECT_0 + 2 ? SC_WATCH_CHANGED : SC_WATCH_TIMEOUT;
}
