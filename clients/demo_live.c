/* counter_demo's live line while the workers run; see demo.h. The console
 * or terminal and the processes are the platform's part. */
#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "live.h"
#include "options.h"
#include "sharedcounter.h"
#include "wrapping.h"

enum { REFRESH_MS = 100, MIN_BAR = 10, MAX_BAR = 50, MAX_WIDTH = 509 };

/* The line may take the width less one column, so that it never wraps. */
static int line_width(void)
{
    int width = sc__demo_line_width() - 1;

    return width < 1 ? 1 : width > MAX_WIDTH ? MAX_WIDTH : width;
}

/* "[#####.....]  45%  12,345,678 ops/s", in block characters, fitted into
 * the line's width. */
static void draw(double fraction, const struct sc_rate *rate)
{
    char text[64], number[32], line[64 + MAX_BAR * 3 + 8];
    double per_second = 0;

    sc__rate_per_second(rate, &per_second);
    snprintf(text, sizeof text, " %3d%%  %s ops/s", (int)(fraction * 100),
             sc__format_grouped((int64_t)per_second, number, sizeof number));
    int bar = line_width() - 3 - (int)strlen(text);
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

static void erase(void)
{
    char line[MAX_WIDTH + 3];
    int width = line_width();

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
    int64_t moved = sc__wrapping_mul(
        plan->clients, sc__wrapping_mul(plan->times, plan->delta));
    struct sc_rate rate = {0};

    if (sc__demo_line_width() <= 0)
        return;
    while (sc__demo_now_ms() < deadline &&
           !sc__demo_all_ended(processes, count, REFRESH_MS)) {
        int64_t value = sc_get();
        int64_t done = sc__wrapping_sub(value, before);
        double fraction = moved != 0 ? (double)done / (double)moved : 1.0;
        sc__rate_add(&rate, sc__demo_now_ms(), value);
        draw(fraction < 0 ? 0 : fraction > 1 ? 1 : fraction, &rate);
    }
    erase();
}
