/*
 * counter_watch: a live view of the library's counter, redrawn in place:
 * the value, how fast it changes, and the processes that have the library
 * loaded. --once prints one snapshot as text, --json as JSON.
 *
 * Each frame fills the whole screen, row by row, at the size the screen has
 * at that moment, so a screen that was resized is simply drawn again at its
 * new size. The screen itself, and what a process is called, are the
 * platform's (watch.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "live.h"
#include "options.h"
#include "sharedcounter.h"
#include "watch.h"

#define PROGRAM "counter_watch"

enum {
    DEFAULT_INTERVAL_MS = 100,
    MIN_INTERVAL_MS = 10,
    MAX_INTERVAL_MS = 60000
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

static int take_snapshot(struct snapshot *shot, struct sc_rate *rate)
{
    shot->value = sc_get();
    sc__rate_add(rate, sc__watch_now_ms(), shot->value);
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
static int take_measured_snapshot(struct snapshot *shot, unsigned interval_ms)
{
    struct sc_rate rate = {0};

    sc__rate_add(&rate, sc__watch_now_ms(), sc_get());
    sc__watch_sleep_ms(interval_ms);
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
    snprintf(line, sizeof line, " q or Ctrl-C quits; redrawn every %u ms",
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

static void run_view(struct sc_watch_screen *screen, unsigned interval_ms)
{
    struct sc_rate rate = {0};
    struct snapshot shot = {0};
    uint64_t next = sc__watch_now_ms();

    for (;;) {
        uint64_t now = sc__watch_now_ms();
        if (now >= next) {
            if (take_snapshot(&shot, &rate) != 0)
                break;
            draw(screen, &shot, interval_ms);
            next = now + interval_ms;
            continue;
        }
        enum sc_watch_event event = sc__watch_wait(screen, next - now);
        if (event == SC_WATCH_QUIT)
            break;
        /* Draw at once at a new size rather than show a garbled frame
         * until the next tick. */
        if (event == SC_WATCH_REDRAW)
            next = now;
    }
    free(shot.processes);
}

static int live(unsigned interval_ms)
{
    int status;
    struct sc_watch_screen *screen = sc__watch_open(PROGRAM, &status);

    if (screen == NULL)
        return status;
    run_view(screen, interval_ms);
    sc__watch_close(screen);
    return SC_EXIT_OK;
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
           "q, Esc or Ctrl-C quits the view and gives the console or\n"
           "terminal back as it was.\n\n"
           "--interval MS  redraw every MS milliseconds, %d to %d\n"
           "               (default %d); --once and --json measure ops/s\n"
           "               over one interval\n"
           "--once         print one snapshot as text and exit: lines\n"
           "               \"counter: N\", \"ops/s: R\", \"processes: P\",\n"
           "               then one line per process\n"
           "--json         print the same snapshot as JSON and exit\n"
           "--version      show the version of this program and of the\n"
           "               library\n"
           "--help         show this help\n\n"
           "Exit status: 0 success; 1 output failed; 2 bad arguments, or no\n"
           "console or terminal for the live view.\n",
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

    int status = sc__live_parse(PROGRAM, argc, argv, options, COUNT, print_help,
                                (const void *)sc_get, sc_version());
    if (status != SC_LIVE_RUN)
        return status;
    if (options[ONCE].given && options[JSON].given)
        return sc__usage_error(PROGRAM, "--once and --json exclude each other");
    unsigned interval_ms = (unsigned)options[INTERVAL].value;
    if (options[ONCE].given || options[JSON].given)
        return print_once(options[JSON].given, interval_ms);
    return live(interval_ms);
}
