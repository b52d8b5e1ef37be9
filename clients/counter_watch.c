/*
 * counter_watch: a live view of the library's counter, redrawn in place:
 * the value, how fast it changes, and the processes that have the library
 * loaded. --once prints one snapshot as text, --json as JSON.
 *
 * The view waits rather than polls: a follower thread (follow.h) sleeps in
 * sc_wait() and wakes the view when the counter changes, at most once every
 * --interval ms, so a counter that does not change costs no CPU time and
 * draws nothing. Each frame fills the whole screen, row by row, at the size
 * the screen has at that moment, so a screen that was resized is simply
 * drawn again at its new size. The screen itself, and what a process is
 * called, are the platform's (watch.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "clock.h"
#include "follow.h"
#include "live.h"
#include "options.h"
#include "sharedcounter.h"
#include "watch.h"

#define PROGRAM "counter_watch"

/* The live view redraws at most once every --interval ms, 16 by default:
 * about as often as a screen shows a new picture. --once and --json measure
 * ops/s over --interval ms, by default over 100, where 16 would be short. */
enum {
    DEFAULT_INTERVAL_MS = 16,
    DEFAULT_MEASURE_MS = 100,
    MIN_INTERVAL_MS = 10,
    MAX_INTERVAL_MS = 60000,
    /* How often the view counts the processes, which no wait tells of. */
    PROCESSES_MS = 1000,
};

struct snapshot {
    int64_t value;
    double per_second;
    int has_rate;
    uint32_t count;  /* processes with the library loaded */
    uint32_t listed; /* of them in processes[] */
    struct sc_watched *processes;
};

/* ---- what is attached -----------------------------------------------------
 */

static int by_pid(const void *a, const void *b)
{
    uint32_t x = ((const struct sc_watched *)a)->pid;
    uint32_t y = ((const struct sc_watched *)b)->pid;
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
        sc__watch_describe(&shot->processes[i], pids[i]);
    free(pids);
    qsort(shot->processes, shot->listed, sizeof *shot->processes, by_pid);
    return 0;
}

static void take_value(struct snapshot *shot, struct sc_rate *rate)
{
    shot->value = sc_get();
    sc__rate_add(rate, sc__clock_ms(), shot->value);
    shot->has_rate = sc__rate_per_second(rate, &shot->per_second) == 0;
}

static int take_snapshot(struct snapshot *shot, struct sc_rate *rate)
{
    take_value(shot, rate);
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
static int take_measured_snapshot(struct snapshot *shot, unsigned interval_ms)
{
    struct sc_rate rate = {0};

    sc__rate_add(&rate, sc__clock_ms(), sc_get());
    sc__sleep_ms(interval_ms);
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
        const struct sc_watched *w = &shot->processes[i];
        if (w->self)
            snprintf(age, sizeof age, "(this)");
        else
            format_age(w->attached_ms, age, sizeof age);
        printf("%8" PRIu32 "  %-12s  ", w->pid, age);
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

static void print_json(const struct snapshot *shot, unsigned interval_ms)
{
    printf("{\n  \"counter\": %" PRId64 ",\n  \"ops_per_second\": %.0f,\n"
           "  \"interval_ms\": %u,\n  \"process_count\": %" PRIu32 ",\n"
           "  \"processes\": [",
           shot->value, shot->per_second, interval_ms, shot->count);
    for (uint32_t i = 0; i < shot->listed; i++) {
        const struct sc_watched *w = &shot->processes[i];
        printf("%s\n    {\"pid\": %" PRIu32 ", \"program\": ", i > 0 ? "," : "",
               w->pid);
        print_json_string(w->program);
        printf(", \"self\": %s, \"attached_ms\": ", w->self ? "true" : "false");
        if (w->self || w->attached_ms < 0)
            printf("null}");
        else
            printf("%" PRId64 "}", w->attached_ms);
    }
    printf("%s]\n}\n", shot->listed > 0 ? "\n  " : "");
}

static int print_once(int json, unsigned interval_ms)
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

/* Puts text on the next row; rows past the screen's height are dropped. */
static void put_line(struct sc_watch_frame *f, int *row,
                     enum sc_watch_style style, const char *text)
{
    if (*row >= f->height)
        return;
    f->rows[*row].style = style;
    snprintf(f->rows[*row].text, sizeof f->rows[*row].text, "%s", text);
    (*row)++;
}

static void put_process_rows(struct sc_watch_frame *f, int *row,
                             const struct snapshot *shot)
{
    char line[sizeof f->rows[0].text], age[32];
    /* Keep the last row for the keys. */
    int room = f->height - *row - 1;

    for (uint32_t i = 0; i < shot->listed && room > 0; i++, room--) {
        const struct sc_watched *w = &shot->processes[i];
        if (room == 1 && i + 1 < shot->listed) {
            snprintf(line, sizeof line, "  ... and %" PRIu32 " more",
                     shot->listed - i);
            put_line(f, row, SC_STYLE_LABEL, line);
            break;
        }
        if (w->self)
            snprintf(age, sizeof age, "this one");
        else
            format_age(w->attached_ms, age, sizeof age);
        snprintf(line, sizeof line, "  %8" PRIu32 "  %12s  %s", w->pid, age,
                 w->program);
        put_line(f, row, w->self ? SC_STYLE_SELF : SC_STYLE_PLAIN, line);
    }
}

static void fill_frame(struct sc_watch_frame *f, const struct snapshot *shot,
                       unsigned interval_ms)
{
    char line[128], number[32];
    int row = 0;

    put_line(f, &row, SC_STYLE_TITLE,
             " " PROGRAM ": " SC_LIBRARY_NAME ", live");
    put_line(f, &row, SC_STYLE_PLAIN, "");
    snprintf(line, sizeof line, "  counter     %s",
             sc__format_grouped(shot->value, number, sizeof number));
    put_line(f, &row, SC_STYLE_BRIGHT, line);
    if (shot->has_rate)
        snprintf(line, sizeof line, "  ops/s       %s",
                 sc__format_grouped((int64_t)shot->per_second, number,
                                    sizeof number));
    else
        snprintf(line, sizeof line, "  ops/s       ...");
    put_line(f, &row, SC_STYLE_RATE, line);
    snprintf(line, sizeof line, "  processes   %" PRIu32 "%s", shot->count,
             shot->listed < shot->count ? " (not all listed)" : "");
    put_line(f, &row, SC_STYLE_PLAIN, line);
    put_line(f, &row, SC_STYLE_PLAIN, "");
    snprintf(line, sizeof line, "  %8s  %12s  %s", "pid", "attached for",
             "program");
    put_line(f, &row, SC_STYLE_LABEL, line);
    put_process_rows(f, &row, shot);
    while (row < f->height - 1)
        put_line(f, &row, SC_STYLE_PLAIN, "");
    snprintf(line, sizeof line,
             " q or Ctrl-C quits; redrawn on change, at most every %u ms",
             interval_ms);
    row = f->height - 1;
    put_line(f, &row, SC_STYLE_LABEL, line);
}

/* Draws the snapshot over the whole screen, at the size it has now. */
static void draw(struct sc_watch_screen *screen, const struct snapshot *shot,
                 unsigned interval_ms)
{
    struct sc_watch_frame f;

    sc__watch_size(screen, &f.width, &f.height);
    f.rows = calloc((size_t)f.height, sizeof *f.rows);
    if (f.rows == NULL)
        return;
    fill_frame(&f, shot, interval_ms);
    sc__watch_draw(screen, &f);
    free(f.rows);
}

/* On the follower's thread. */
static void on_change(void *screen)
{
    sc__watch_changed(screen);
}

/* What the view is waiting for besides keys, sizes and changes: the one
 * redraw that shows ops/s fall to 0 once the counter has stood still for
 * the rate's window (0: none due), and the next count of the processes. */
struct due {
    uint64_t rate_ms, processes_ms;
};

static uint64_t ms_until_due(const struct due *due, uint64_t now)
{
    uint64_t next = due->processes_ms;

    if (due->rate_ms != 0 && due->rate_ms < next)
        next = due->rate_ms;
    return next > now ? next - now : 0;
}

/* What to take and draw after event: 0 nothing, 1 the value, 2 the value
 * and the processes. */
static int on_event(enum sc_watch_event event, struct due *due,
                    const struct snapshot *shot, unsigned interval_ms)
{
    uint64_t now = sc__clock_ms();
    int take = 0;

    if (event == SC_WATCH_REDRAW)
        return 2;
    if (event == SC_WATCH_CHANGED) {
        /* The follower tells of the last change of a run at most
         * interval_ms after it, and the rate's window ends after that. */
        due->rate_ms = now + SC_RATE_WINDOW_MS + interval_ms;
        take = 1;
    }
    if (due->rate_ms != 0 && now >= due->rate_ms) {
        due->rate_ms = 0;
        take = 1;
    }
    if (now >= due->processes_ms) {
        due->processes_ms = now + PROCESSES_MS;
        /* Only the count: a process that came as another went shows at
         * the next redraw. */
        if (sc_processes(NULL, 0) != shot->count)
            take = 2;
    }
    return take;
}

/* Returns NULL when the view ended as asked, or what went wrong, to be
 * told once the screen is given back. */
static const char *run_view(struct sc_watch_screen *screen,
                            unsigned interval_ms)
{
    struct sc_rate rate = {0};
    struct snapshot shot = {0};
    uint64_t start = sc__clock_ms();
    /* The first frame has no rate yet: one window later it shows 0 if the
     * counter stood still. */
    struct due due = {start + SC_RATE_WINDOW_MS + interval_ms,
                      start + PROCESSES_MS};
    struct sc_follower *follower =
        sc__follow_start(sc_get(), interval_ms, on_change, screen);
    const char *failure = NULL;
    int take = 2;

    if (follower == NULL)
        return "cannot start the thread that waits on the counter";
    for (;;) {
        if (take == 2 && take_snapshot(&shot, &rate) != 0) {
            failure = "out of memory";
            break;
        }
        if (take == 1)
            take_value(&shot, &rate);
        if (take != 0)
            draw(screen, &shot, interval_ms);
        enum sc_watch_event event =
            sc__watch_wait(screen, ms_until_due(&due, sc__clock_ms()));
        if (event == SC_WATCH_QUIT)
            break;
        take = on_event(event, &due, &shot, interval_ms);
    }
    sc__follow_stop(follower);
    free(shot.processes);
    return failure;
}

static int live(unsigned interval_ms)
{
    int status;
    struct sc_watch_screen *screen = sc__watch_open(PROGRAM, &status);

    if (screen == NULL)
        return status;
    const char *failure = run_view(screen, interval_ms);
    sc__watch_close(screen);
    if (failure == NULL)
        return SC_EXIT_OK;
    sc__error(PROGRAM, "%s", failure);
    return SC_EXIT_FAILURE;
}

/* ---- the command line -----------------------------------------------------
 */

static void print_help(void)
{
    printf("usage: " PROGRAM " [--interval MS]\n"
           "       " PROGRAM " --once | --json [--interval MS]\n"
           "       " PROGRAM " --help | --version\n\n"
           "Shows the counter in " SC_LIBRARY_NAME " and the processes that\n"
           "have that library file loaded, live: the value, how fast it\n"
           "changes (ops/s: its change per second over the last second), and\n"
           "each process's id, program and how long it has been running.\n"
           "The view waits on the counter: it redraws as soon as the counter\n"
           "changes, and not at all while it stands still, but for one last\n"
           "redraw a second later that shows ops/s fall to 0. It counts the\n"
           "processes once a second and redraws when their number changed;\n"
           "the ages shown are those of the last redraw.\n"
           "q, Esc or Ctrl-C quits the view and gives the console or\n"
           "terminal back as it was.\n\n"
           "--interval MS  the live view redraws at most once every MS\n"
           "               milliseconds while the counter keeps changing\n"
           "               (default %d: about 60 times a second); --once and\n"
           "               --json measure ops/s over MS milliseconds\n"
           "               (default %d); %d to %d\n"
           "--once         print one snapshot as text and exit: lines\n"
           "               \"counter: N\", \"ops/s: R\", \"processes: P\",\n"
           "               then one line per process\n"
           "--json         print the same snapshot as JSON and exit\n"
           "--version      show the version of this program and of the\n"
           "               library\n"
           "--help         show this help\n\n"
           "Exit status: 0 success; 1 output failed, or the live view could\n"
           "not run (out of memory, no thread); 2 bad arguments, or no\n"
           "console or terminal for the live view.\n",
           DEFAULT_INTERVAL_MS, DEFAULT_MEASURE_MS, MIN_INTERVAL_MS,
           MAX_INTERVAL_MS);
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
        sc__live_parse(PROGRAM, argc, argv, options, COUNT, print_help);
    if (status != SC_LIVE_RUN)
        return status;
    if (options[ONCE].given && options[JSON].given)
        return sc__usage_error(PROGRAM, "--once and --json exclude each other");
    unsigned interval_ms = (unsigned)options[INTERVAL].value;
    if (options[ONCE].given || options[JSON].given)
        return print_once(options[JSON].given, options[INTERVAL].given
                                                   ? interval_ms
                                                   : DEFAULT_MEASURE_MS);
    return live(interval_ms);
}
