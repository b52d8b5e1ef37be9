/* counter_demo's live line while the workers run; see demo.h. The console
 * or terminal and the processes are the platform's part.
 *
 * The line waits on the counter with sc_wait() rather than polling it: it
 * is redrawn as soon as the counter changes, at most once every FRAME_MS
 * while it keeps changing, and not at all while it stands still, but once
 * more when the rate's window has passed, to show 0 ops/s. The processes
 * ending is looked at between the waits, every END_CHECK_MS at most: no
 * wait of the library tells of it, and the demo is short. */
#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "live.h"
#include "options.h"
#include "sharedcounter.h"
#include "wrapping.h"

enum {
    FRAME_MS = 16,
    END_CHECK_MS = 100,
    MIN_BAR = 10,
    MAX_BAR = 50,
    MAX_WIDTH = 509
};

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

/* The bar for value, with the rate's new sample. */
static void show(const struct sc_demo_plan *plan, int64_t before,
                 struct sc_rate *rate, int64_t value)
{
    int64_t moved = sc__wrapping_mul(
        plan->clients, sc__wrapping_mul(plan->times, plan->delta));
    int64_t done = sc__wrapping_sub(value, before);
    double fraction = moved != 0 ? (double)done / (double)moved : 1.0;

    sc__rate_add(rate, sc__clock_ms(), value);
    draw(fraction < 0 ? 0 : fraction > 1 ? 1 : fraction, rate);
}

void sc__demo_show_progress(const struct sc_demo_plan *plan,
                            const struct sc_demo_process *processes,
                            size_t count, int64_t before, uint64_t deadline)
{
    struct sc_rate rate = {0};
    int64_t seen = sc_get();
    uint64_t zero_due = 0; /* when ops/s is to be shown at 0; 0: shown */

    if (sc__demo_line_width() <= 0)
        return;
    show(plan, before, &rate, seen);
    /* Waiting for the processes to end paces the redraws too. */
    while (sc__clock_ms() < deadline &&
           !sc__demo_all_ended(processes, count, FRAME_MS)) {
        uint64_t now = sc__clock_ms();
        uint64_t left = deadline > now ? deadline - now : 0;
        int64_t value;
        /* Should the wait fail, the line looks every FRAME_MS instead. */
        if (sc_wait(seen, left < END_CHECK_MS ? (uint32_t)left : END_CHECK_MS,
                    &value) < 0)
            value = sc_get();
        now = sc__clock_ms();
        if (value != seen) {
            seen = value;
            /* Past the window by a frame: the samples before this change
             * have then all left it. */
            zero_due = now + SC_RATE_WINDOW_MS + FRAME_MS;
            show(plan, before, &rate, value);
        } else if (zero_due != 0 && now >= zero_due) {
            zero_due = 0;
            show(plan, before, &rate, value);
        }
    }
    erase();
}
