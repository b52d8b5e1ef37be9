/*
 * counter_window: the shared counter in a window, in the spirit of
 * Richter's AppInst and Petzold's STRPROG. It shows the value, large, has
 * buttons +1, -1 and Reset and an amount to Add, and names in its title
 * how many processes have sharedcounter.dll loaded. Enter adds 1 (in the
 * amount box it adds the amount), Esc closes the window.
 *
 * Every window shows a change made by any process at once, without
 * polling: a follower thread (follow.h) sleeps in sc_wait(), which any
 * process's update wakes, and posts WM_SC_CHANGED to the window, which
 * then reads the counter and shows it. While the counter keeps changing,
 * the thread posts at most once every FRAME_MS, about as often as a screen
 * shows a new picture; while it stands still, the window does nothing.
 * A broadcast message sent after each change would reach only windows,
 * never the console clients, which change the counter without knowing of
 * any window. The number of processes in the title, which no wait tells
 * of, is counted on a timer once a second.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include <windows.h>
#include <commctrl.h>

#include "runner.h"
#include "counter_window.h"
#include "follow.h"
#include "live.h"
#include "options.h"
#include "sharedcounter.h"
#include "text_paths.h"

#define PROGRAM "counter_window"

enum { FRAME_MS = 16, PROCESSES_MS = 1000, PROCESSES_TIMER = 1 };

/* From the follower: the counter has changed. */
#define WM_SC_CHANGED (WM_APP + 0)

/* The layout, in pixels at 96 dpi; scaled to the monitor's dpi. */
enum {
    MARGIN = 16,
    GAP = 8,
    CLIENT_WIDTH = 360,
    VALUE_TOP = 10,
    VALUE_HEIGHT = 70,
    VALUE_POINTS = 30,
    STATUS_TOP = 80,
    STATUS_HEIGHT = 20,
    BUTTON_TOP = 110,
    BUTTON_HEIGHT = 32,
    ADD_TOP = 152,
    ADD_HEIGHT = 28,
    ADD_WIDTH = 96,
    CLIENT_HEIGHT = ADD_TOP + ADD_HEIGHT + MARGIN,
};

static const DWORD window_style =
    WS_OVERLAPPED | WS_CAPTION | WS_SYSMENU | WS_MINIMIZEBOX;

struct window {
    HWND hwnd;
    UINT dpi;
    HFONT font, value_font;
    HWND focus; /* the control to give the focus back to on activation */
    int64_t shown;
    int has_shown;
    uint32_t processes; /* in the title; 0 before the first count */
    struct sc_follower *follower;
};

/* ---- what the window shows ----------------------------------------------- */

static void set_text_utf8(HWND control, const char *text)
{
    wchar_t *wide = sc__wide_from_utf8(text);

    if (wide != NULL)
        SetWindowTextW(control, wide);
    free(wide);
}

static void show_value(struct window *w, int64_t value)
{
    char text[32];

    if (w->has_shown && value == w->shown)
        return;
    w->shown = value;
    w->has_shown = 1;
    set_text_utf8(GetDlgItem(w->hwnd, SC_WINDOW_VALUE),
                  sc__format_grouped(value, text, sizeof text));
}

static void show_processes(struct window *w)
{
    uint32_t count = sc_processes(NULL, 0);
    wchar_t title[96];

    if (count == w->processes)
        return;
    w->processes = count;
    swprintf(title, sizeof title / sizeof title[0],
             L"Shared counter \x2013 %lu process%ls", (unsigned long)count,
             count == 1 ? L"" : L"es");
    SetWindowTextW(w->hwnd, title);
}

static void show_status(struct window *w, const char *text)
{
    set_text_utf8(GetDlgItem(w->hwnd, SC_WINDOW_STATUS), text);
}

/* ---- what the buttons do ------------------------------------------------- */

/* Reads the amount box: an int64_t, as the console clients take it. */
static int read_amount(struct window *w, int64_t *amount)
{
    wchar_t wide[64];
    char *text;
    int ok = 0;

    GetDlgItemTextW(w->hwnd, SC_WINDOW_AMOUNT, wide, 64);
    text = sc__utf8_from_wide(wide);
    if (text != NULL)
        ok = sc__parse_int64(text, amount) == SC_PARSE_OK;
    free(text);
    return ok;
}

static void add_amount(struct window *w)
{
    int64_t amount;
    char text[80], number[32];

    if (!read_amount(w, &amount)) {
        MessageBeep(MB_ICONWARNING);
        show_status(w, "Add needs a whole number, such as 5 or -12");
        SetFocus(GetDlgItem(w->hwnd, SC_WINDOW_AMOUNT));
        return;
    }
    show_value(w, sc_add(amount));
    snprintf(text, sizeof text, "Added %s",
             sc__format_grouped(amount, number, sizeof number));
    show_status(w, text);
}

static void reset(struct window *w)
{
    char text[80], number[32];
    int64_t old = sc_exchange(0);

    show_value(w, 0);
    snprintf(text, sizeof text, "Reset: it was %s",
             sc__format_grouped(old, number, sizeof number));
    show_status(w, text);
}

/* Enter on target, the control that has the keyboard: the button itself,
 * as in a dialog; Add from the amount box; otherwise +1, as ENTER alone
 * adds 1 in the console clients. */
static void on_enter(struct window *w, HWND target)
{
    int id = target != NULL && GetParent(target) == w->hwnd
                 ? GetDlgCtrlID(target)
                 : 0;

    if (id == SC_WINDOW_AMOUNT)
        id = SC_WINDOW_ADD;
    else if (id < SC_WINDOW_PLUS || id > SC_WINDOW_ADD)
        id = SC_WINDOW_PLUS;
    SendMessageW(GetDlgItem(w->hwnd, id), BM_CLICK, 0, 0);
}

static void on_command(struct window *w, int id)
{
    switch (id) {
    case SC_WINDOW_PLUS:
        show_value(w, sc_increment());
        show_status(w, "Added 1");
        break;
    case SC_WINDOW_MINUS:
        show_value(w, sc_decrement());
        show_status(w, "Added -1");
        break;
    case SC_WINDOW_ADD:
        add_amount(w);
        break;
    case SC_WINDOW_RESET:
        reset(w);
        break;
    case IDOK:
        on_enter(w, GetFocus());
        break;
    case IDCANCEL:
        DestroyWindow(w->hwnd);
        break;
    }
}

/* ---- layout at the monitor's dpi ----------------------------------------- */

static int scale(const struct window *w, int pixels_at_96)
{
    return MulDiv(pixels_at_96, (int)w->dpi, 96);
}

/* The system's message font at this dpi, and a large one from it. */
static void make_fonts(struct window *w)
{
    NONCLIENTMETRICSW metrics = {.cbSize = sizeof metrics};

    if (w->font != NULL)
        DeleteObject(w->font);
    if (w->value_font != NULL)
        DeleteObject(w->value_font);
    SystemParametersInfoForDpi(SPI_GETNONCLIENTMETRICS, sizeof metrics,
                               &metrics, 0, w->dpi);
    w->font = CreateFontIndirectW(&metrics.lfMessageFont);
    LOGFONTW large = metrics.lfMessageFont;
    large.lfHeight = -MulDiv(VALUE_POINTS, (int)w->dpi, 72);
    large.lfWeight = FW_SEMIBOLD;
    w->value_font = CreateFontIndirectW(&large);
}

struct control {
    int id;
    const wchar_t *class_name, *text;
    DWORD style;
};

static const struct control controls[] = {
    {SC_WINDOW_VALUE, L"Static", L"", SS_CENTER | SS_CENTERIMAGE | SS_NOPREFIX},
    {SC_WINDOW_STATUS, L"Static", L"Enter adds 1, Esc closes",
     SS_CENTER | SS_NOPREFIX},
    {SC_WINDOW_PLUS, L"Button", L"+1", BS_DEFPUSHBUTTON | WS_TABSTOP},
    {SC_WINDOW_MINUS, L"Button",
     L"\x2212"
     L"1",
     BS_PUSHBUTTON | WS_TABSTOP},
    {SC_WINDOW_RESET, L"Button", L"Reset", BS_PUSHBUTTON | WS_TABSTOP},
    {SC_WINDOW_AMOUNT, L"Edit", L"10", ES_AUTOHSCROLL | ES_RIGHT | WS_TABSTOP},
    {SC_WINDOW_ADD, L"Button", L"Add", BS_PUSHBUTTON | WS_TABSTOP},
};

/* Where each control goes, at 96 dpi, in the order of controls[]. */
static RECT place_of(int id)
{
    int inner = CLIENT_WIDTH - 2 * MARGIN;
    int third = (inner - 2 * GAP) / 3;
    int button_x = MARGIN + (id - SC_WINDOW_PLUS) * (third + GAP);

    switch (id) {
    case SC_WINDOW_VALUE:
        return (RECT){MARGIN, VALUE_TOP, MARGIN + inner,
                      VALUE_TOP + VALUE_HEIGHT};
    case SC_WINDOW_STATUS:
        return (RECT){MARGIN, STATUS_TOP, MARGIN + inner,
                      STATUS_TOP + STATUS_HEIGHT};
    case SC_WINDOW_AMOUNT: /* a little lower than Add, its text level */
        return (RECT){MARGIN, ADD_TOP + 2, MARGIN + inner - ADD_WIDTH - GAP,
                      ADD_TOP + ADD_HEIGHT - 2};
    case SC_WINDOW_ADD:
        return (RECT){MARGIN + inner - ADD_WIDTH, ADD_TOP, MARGIN + inner,
                      ADD_TOP + ADD_HEIGHT};
    default:
        return (RECT){button_x, BUTTON_TOP, button_x + third,
                      BUTTON_TOP + BUTTON_HEIGHT};
    }
}

static void lay_out(struct window *w)
{
    make_fonts(w);
    for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
        HWND control = GetDlgItem(w->hwnd, controls[i].id);
        RECT r = place_of(controls[i].id);
        SetWindowPos(control, NULL, scale(w, r.left), scale(w, r.top),
                     scale(w, r.right - r.left), scale(w, r.bottom - r.top),
                     SWP_NOZORDER | SWP_NOACTIVATE);
        HFONT font =
            controls[i].id == SC_WINDOW_VALUE ? w->value_font : w->font;
        SendMessageW(control, WM_SETFONT, (WPARAM)font, TRUE);
    }
}

/* The outer size for the layout's client area at the window's dpi. */
static SIZE window_size(const struct window *w)
{
    RECT r = {0, 0, scale(w, CLIENT_WIDTH), scale(w, CLIENT_HEIGHT)};

    AdjustWindowRectExForDpi(&r, window_style, FALSE, 0, w->dpi);
    return (SIZE){r.right - r.left, r.bottom - r.top};
}

static int create_controls(struct window *w)
{
    HINSTANCE instance = GetModuleHandleW(NULL);

    for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
        DWORD ex = controls[i].id == SC_WINDOW_AMOUNT ? WS_EX_CLIENTEDGE : 0;
        HWND control = CreateWindowExW(
            ex, controls[i].class_name, controls[i].text,
            WS_CHILD | WS_VISIBLE | controls[i].style, 0, 0, 0, 0, w->hwnd,
            (HMENU)(INT_PTR)controls[i].id, instance, NULL);
        if (control == NULL)
            return -1;
    }
    SendDlgItemMessageW(w->hwnd, SC_WINDOW_AMOUNT, EM_LIMITTEXT, 21, 0);
    w->dpi = GetDpiForWindow(w->hwnd);
    lay_out(w);
    SIZE size = window_size(w);
    SetWindowPos(w->hwnd, NULL, 0, 0, size.cx, size.cy,
                 SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);
    w->focus = GetDlgItem(w->hwnd, SC_WINDOW_PLUS);
    return 0;
}

/* ---- the window procedure ------------------------------------------------ */

/* On the follower's thread: a message the window handles in its turn. */
static void on_change(void *hwnd)
{
    PostMessageW(hwnd, WM_SC_CHANGED, 0, 0);
}

static int start_following(struct window *w)
{
    int64_t value = sc_get();

    show_value(w, value);
    show_processes(w);
    w->follower = sc__follow_start(value, FRAME_MS, on_change, w->hwnd);
    if (w->follower == NULL)
        return -1;
    SetTimer(w->hwnd, PROCESSES_TIMER, PROCESSES_MS, NULL);
    return 0;
}

static LRESULT on_color(HDC dc, HWND control)
{
    int id = GetDlgCtrlID(control);

    if (id == SC_WINDOW_VALUE)
        SetTextColor(dc, RGB(0x1f, 0x4e, 0x8c));
    else if (id == SC_WINDOW_STATUS) /* grey text is too pale to read */
        SetTextColor(dc, GetSysColor(COLOR_WINDOWTEXT));
    SetBkColor(dc, GetSysColor(COLOR_WINDOW));
    return (LRESULT)GetSysColorBrush(COLOR_WINDOW);
}

static void on_dpi_changed(struct window *w, UINT dpi, const RECT *suggested)
{
    w->dpi = dpi;
    lay_out(w);
    SetWindowPos(w->hwnd, NULL, suggested->left, suggested->top,
                 suggested->right - suggested->left,
                 suggested->bottom - suggested->top,
                 SWP_NOZORDER | SWP_NOACTIVATE);
}

static LRESULT CALLBACK window_proc(HWND hwnd, UINT message, WPARAM wparam,
                                    LPARAM lparam)
{
    struct window *w = (struct window *)GetWindowLongPtrW(hwnd, GWLP_USERDATA);

    if (message == WM_NCCREATE) {
        w = ((CREATESTRUCTW *)lparam)->lpCreateParams;
        w->hwnd = hwnd;
        SetWindowLongPtrW(hwnd, GWLP_USERDATA, (LONG_PTR)w);
    }
    if (w == NULL)
        return DefWindowProcW(hwnd, message, wparam, lparam);
    switch (message) {
    case WM_CREATE:
        return create_controls(w) == 0 && start_following(w) == 0 ? 0 : -1;
    case WM_SC_CHANGED:
        show_value(w, sc_get());
        return 0;
    case WM_TIMER:
        show_processes(w);
        return 0;
    case WM_COMMAND:
        on_command(w, LOWORD(wparam));
        return 0;
    case WM_CTLCOLORSTATIC:
        return on_color((HDC)wparam, (HWND)lparam);
    case WM_ACTIVATE:
        if (LOWORD(wparam) == WA_INACTIVE)
            w->focus = GetFocus();
        else if (w->focus != NULL)
            SetFocus(w->focus);
        return 0;
    case WM_DPICHANGED:
        on_dpi_changed(w, HIWORD(wparam), (const RECT *)lparam);
        return 0;
    case WM_DESTROY:
        KillTimer(hwnd, PROCESSES_TIMER);
        if (w->follower != NULL)
            sc__follow_stop(w->follower);
        PostQuitMessage(0);
        return 0;
    }
    return DefWindowProcW(hwnd, message, wparam, lparam);
}

/* ---- the program --------------------------------------------------------- */

/* Without a display (Wine with no X server, a service's session) Windows
 * only says "invalid window handle": say what is missing instead. */
static void report_no_window(DWORD err)
{
    char why[300];

    if (err == ERROR_INVALID_WINDOW_HANDLE ||
        GetSystemMetrics(SM_CXSCREEN) == 0)
        sc__error(PROGRAM,
                  "cannot create the window: no display or desktop is "
                  "available (error %lu). Run it in a desktop session; under "
                  "Wine, set DISPLAY to an X server (for example with "
                  "xvfb-run) and let the programs that Wine started without "
                  "one end first (wineserver -w), or use counter_watch in a "
                  "terminal",
                  (unsigned long)err);
    else
        sc__error(PROGRAM, "cannot create the window: %s",
                  sc__win32_message(err, why, sizeof why));
}

static int run_window(int show, int left, int top)
{
    HINSTANCE instance = GetModuleHandleW(NULL);
    struct window w = {0};
    WNDCLASSEXW wc = {
        .cbSize = sizeof wc,
        .lpfnWndProc = window_proc,
        .hInstance = instance,
        .hIcon = LoadIconW(NULL, (LPCWSTR)IDI_APPLICATION),
        .hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW),
        .hbrBackground = (HBRUSH)(COLOR_WINDOW + 1),
        .lpszClassName = SC_WINDOW_CLASS,
    };
    INITCOMMONCONTROLSEX common = {sizeof common, ICC_STANDARD_CLASSES};

    InitCommonControlsEx(&common);
    if (!RegisterClassExW(&wc) ||
        CreateWindowExW(0, SC_WINDOW_CLASS, L"Shared counter", window_style,
                        left, top, CW_USEDEFAULT, CW_USEDEFAULT, NULL, NULL,
                        instance, &w) == NULL) {
        report_no_window(GetLastError());
        return SC_EXIT_FAILURE;
    }
    ShowWindow(w.hwnd, show);
    MSG msg;
    /* IsDialogMessage gives the window a dialog's keys: Tab between the
     * controls and Esc as IDCANCEL. Enter is taken first, since what it
     * does depends on the control it was typed in. */
    while (GetMessageW(&msg, NULL, 0, 0) > 0) {
        if (msg.message == WM_KEYDOWN && msg.wParam == VK_RETURN)
            on_enter(&w, msg.hwnd);
        else if (!IsDialogMessageW(w.hwnd, &msg)) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    DeleteObject(w.font);
    DeleteObject(w.value_font);
    return SC_EXIT_OK;
}

/* A program of the GUI subsystem gets no console. Its messages go where
 * stdout and stderr already go (a pipe, a file, a terminal under Wine), or
 * else to the console of the program that started it, if any. */
static void find_console(void)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);

    if ((out == NULL || out == INVALID_HANDLE_VALUE) &&
        AttachConsole(ATTACH_PARENT_PROCESS)) {
        freopen("CONOUT$", "w", stdout);
        freopen("CONOUT$", "w", stderr);
    }
}

static void print_help(void)
{
    printf("usage: " PROGRAM " [--left X --top Y]\n"
           "       " PROGRAM " --help | --version\n\n"
           "Shows the counter in sharedcounter.dll in a window, large, and\n"
           "in the title how many processes have that DLL file loaded.\n"
           "+1, -1 and Add change it; Reset sets it to 0 and shows what it\n"
           "was. Enter adds 1 (in the amount box: adds the amount); Esc\n"
           "closes the window. Every window shows a change made by any\n"
           "process at once, at most about 60 times a second, and does\n"
           "nothing while the counter stands still.\n\n"
           "--left X, --top Y  where to put the window on the screen\n"
           "                   (both or neither; default: the system's\n"
           "                   choice)\n"
           "--version          show the version of this program and of the\n"
           "                   DLL\n"
           "--help             show this help\n\n"
           "Exit status: 0 the window was closed; 1 it could not be\n"
           "created; 2 bad arguments.\n");
}

int WINAPI WinMain(HINSTANCE instance, HINSTANCE previous, LPSTR command_line,
                   int show)
{
    enum { LEFT, TOP, COUNT };
    struct sc_option options[COUNT] = {
        [LEFT] = SC_INT_OPTION("--left", -32768, 32767, 0),
        [TOP] = SC_INT_OPTION("--top", -32768, 32767, 0),
    };

    (void)instance;
    (void)previous;
    (void)command_line;
    find_console();
    int status =
        sc__live_parse(PROGRAM, __argc, __argv, options, COUNT, print_help);
    if (status != SC_LIVE_RUN)
        return status;
    if (options[LEFT].given != options[TOP].given)
        return sc__usage_error(PROGRAM, "--left and --top go together");
    int placed = options[LEFT].given;
    return run_window(show, placed ? (int)options[LEFT].value : CW_USEDEFAULT,
                      placed ? (int)options[TOP].value : CW_USEDEFAULT);
}
