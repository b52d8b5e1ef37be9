/* counter_demo's live line while the workers run; see demo.h. */
#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "live.h"
#include "options.h"
#include "sharedcounter.h"

enum { REFRESH_MS = 100, MIN_BAR = 10, MAX_BAR = 50 };

static int console_width(HANDLE out)
{
    CONSOLE_SCREEN_BUFFER_INFO info;

    if (!GetConsoleScreenBufferInfo(out, &info))
        return 80;
    return info.srWindow.Right - info.srWindow.Left + 1;
}

/* "[#####.....]  45%  12,345,678 ops/s", in block characters, fitted into
 * the console's width less one column, so that it never wraps. */
static void draw(HANDLE out, double fraction, const struct sc_rate *rate)
{
    char text[64], number[32], line[64 + MAX_BAR * 3 + 8];
    double per_second = 0;
    int width = console_width(out) - 1;

    sc__rate_per_second(rate, &per_second);
    snprintf(text, sizeof text, " %3d%%  %s ops/s", (int)(fraction * 100),
             sc__format_grouped((int64_t)per_second, number, sizeof number));
    int bar = width - 3 - (int)strlen(text);
    bar = bar < MIN_BAR ? MIN_BAR : bar > MAX_BAR ? MAX_BAR : bar;
    int filled = (int)(fraction * bar);
    size_t len = (size_t)snprintf(line, sizeof line, "\r[");
    for (int i = 0; i < bar; i++) {
        /* U+2588 FULL BLOCK and U+2591 LIGHT SHADE, in UTF-8. */
        memcpy(line + len, i < filled ? "\xe2\x96\x88" : "\xe2\x96\x91", 3);
        len += 3;
    }
    snprintf(line + len, sizeof line - len, "]%s", text);
    sc__write_text(stdout, line);
}

static void erase(HANDLE out)
{
    char line[512];
    int width = console_width(out) - 1;

    if (width > (int)sizeof line - 3)
        width = (int)sizeof line - 3;
    line[0] = '\r';
    memset(line + 1, ' ', (size_t)width);
    line[width + 1] = '\r';
    line[width + 2] = '\0';
    sc__write_text(stdout, line);
}

void sc__demo_show_progress(const struct sc_demo_plan *plan,
                            const struct sc_demo_process *processes,
                            size_t count, int64_t before, uint64_t deadline)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    int64_t moved = sc__wrapping_mul(
        plan->clients, sc__wrapping_mul(plan->times, plan->delta));
    struct sc_rate rate = {0};

    if (!sc__is_console(out) || count > MAXIMUM_WAIT_OBJECTS)
        return;
    for (size_t i = 0; i < count; i++)
        handles[i] = processes[i].child.process;
    while (GetTickCount64() < deadline &&
           WaitForMultipleObjects((DWORD)count, handles, TRUE, REFRESH_MS) ==
               WAIT_TIMEOUT) {
        int64_t value = sc_get();
        int64_t done = sc__wrapping_sub(value, before);
        double fraction = moved != 0 ? (double)done / (double)moved : 1.0;
        sc__rate_add(&rate, GetTickCount64(), value);
        draw(out, fraction < 0 ? 0 : fraction > 1 ? 1 : fraction, &rate);
    }
    erase(out);
}
