/*
 * counter_watch built for Linux, run from its build folder. --once and
 * --json are checked against what this process knows: the value it set,
 * and exactly three processes holding the library (this one, a
 * counter_client and the watcher), each with its pid and program; a rate
 * above 0 while a counter_worker adds; the refusals of bad usage and of a
 * live view without a terminal. The live view runs on a pseudo-terminal
 * whose master this process holds: a small model of the screen replays
 * what the view writes, to see that it redraws, that a resize is followed
 * by a whole frame at the new size, and that q, Esc, Ctrl-C and SIGTERM
 * leave the alternate screen and give the terminal its modes back; that
 * it redraws promptly after a change, at most about 60 times a second
 * while a worker adds, and writes nothing at all while the counter stands
 * still (the latency and the rate are printed as figures).
 * --help, --version and unknown options are test_native_clients'
 * (tests/test_clients.c).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"
#include "sharedcounter.h"

enum { OUTPUT_SIZE = 16384, WAIT_MS = 20000, TRANSCRIPT_SIZE = 1 << 20 };

#define TITLE " counter_watch: libsharedcounter.so, live"
#define KEYS " q or Ctrl-C quits"

static void watch(struct sc_test_child *proc, const char *first,
                  const char *second, const char *third)
{
    sc__test_child_start_in(proc, SC_CLIENTS_DIR, "counter_watch", first,
                            second, third, NULL);
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

static void assert_has(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("\"%s\" not in:\n%s", part, text);
}

static void assert_starts_with(const char *text, const char *start)
{
    if (strncmp(text, start, strlen(start)) != 0)
        fail_msg("not \"%s\" at the start of:\n%s", start, text);
}

/* A counter_client that holds the library until finished. */
static void start_holder(struct sc_test_child *holder)
{
    char line[128];

    sc__test_child_start_in(holder, SC_CLIENTS_DIR, "counter_client", NULL);
    sc__test_child_line(holder, line, sizeof line);
    assert_starts_with(line, "counter: ");
}

/* The line of out that starts with the table's "<pid>  " for pid. */
static const char *process_line(const char *out, pid_t pid)
{
    char prefix[32];

    snprintf(prefix, sizeof prefix, "\n%8ld  ", (long)pid);
    const char *line = strstr(out, prefix);
    if (line == NULL)
        fail_msg("no line for pid %ld in:\n%s", (long)pid, out);
    return line + 1;
}

/* ---- snapshots ---------------------------------------------------------- */

static void once_shows_the_value_and_the_processes(void **state)
{
    struct sc_test_child holder, proc;
    char out[OUTPUT_SIZE];

    (void)state;
    start_holder(&holder);
    sc_exchange(4242);
    watch(&proc, "--once", NULL, NULL);
    assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 0);
    assert_string_equal(proc.errors, "");
    assert_starts_with(out, "counter: 4242\nops/s: 0\nprocesses: 3\n");
    assert_line_has(process_line(out, getpid()), "test_native_watch");
    const char *line = process_line(out, holder.pid);
    assert_line_has(line, "counter_client");
    assert_line_has(line, " s ");
    assert_line_has(process_line(out, proc.pid), "(this)        counter_watch");
    assert_int_equal(sc__test_child_finish(&holder, NULL, 0), 0);
}

static void json_gives_the_same_snapshot(void **state)
{
    struct sc_test_child holder, proc;
    char out[OUTPUT_SIZE], entry[256];

    (void)state;
    start_holder(&holder);
    sc_exchange(-77);
    watch(&proc, "--json", "--interval", "50");
    assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 0);
    assert_starts_with(out,
                       "{\n  \"counter\": -77,\n  \"ops_per_second\": 0,\n"
                       "  \"interval_ms\": 50,\n  \"process_count\": 3,\n");
    snprintf(entry, sizeof entry,
             "{\"pid\": %ld, \"program\": \"test_native_watch\", \"self\": "
             "false, \"attached_ms\": ",
             (long)getpid());
    assert_has(out, entry);
    snprintf(entry, sizeof entry,
             "{\"pid\": %ld, \"program\": \"counter_client\", \"self\": "
             "false, \"attached_ms\": ",
             (long)holder.pid);
    assert_has(out, entry);
    snprintf(entry, sizeof entry,
             "{\"pid\": %ld, \"program\": \"counter_watch\", \"self\": "
             "true, \"attached_ms\": null}",
             (long)proc.pid);
    assert_has(out, entry);
    assert_has(out, "}\n  ]\n}\n");
    assert_int_equal(sc__test_child_finish(&holder, NULL, 0), 0);
}

static void once_measures_a_running_worker(void **state)
{
    struct sc_test_child worker, proc;
    char out[OUTPUT_SIZE];
    int64_t before = sc_get();

    (void)state;
    sc__test_child_start_in(&worker, SC_CLIENTS_DIR, "counter_worker",
                            "--times", "100000000000", NULL);
    while (sc_get() == before)
        sc__sleep_ms(1);
    watch(&proc, "--once", "--interval", "200");
    int status = sc__test_child_finish(&proc, out, sizeof out);
    kill(worker.pid, SIGKILL);
    sc__test_child_finish(&worker, NULL, 0);
    assert_int_equal(status, 0);
    const char *rate = strstr(out, "\nops/s: ");
    assert_non_null(rate);
    assert_true(strtoll(rate + 8, NULL, 10) > 0);
    assert_line_has(process_line(out, worker.pid), "counter_worker");
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
        /* Here stdin and stdout are pipes. */
        {{NULL},
         "counter_watch: the live view needs a terminal; use --once or "
         "--json in scripts\n"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct sc_test_child proc;
        char out[256];
        const char *const *args = refusals[i].args;
        watch(&proc, args[0], args[1], args[2]);
        assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 2);
        assert_string_equal(out, "");
        assert_starts_with(proc.errors, refusals[i].message);
        assert_has(proc.errors, "\nTry 'counter_watch --help'.\n");
    }
}

/* ---- the screen of a pseudo-terminal ------------------------------------- */

enum { MAX_ROWS = 48, MAX_COLUMNS = 120 };

/* What a terminal would show, from the sequences the view writes: cursor
 * moves (CSI row;col H), erasing (CSI K, CSI 2 J), the alternate screen and
 * the cursor's visibility (CSI ? 1049 h/l, CSI ? 25 h/l); colours are
 * skipped. After a resize every cell holds '~', which only a whole new
 * frame clears; a character written outside the screen counts as garbled. */
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
        } else if ((unsigned char)c >= 0x20) {
            if (s->row < 0 || s->row >= s->height || s->column >= s->width)
                s->garbled++;
            else
                s->cells[s->row][s->column++] = c;
        }
    }
}

/* Row row as text, its trailing blanks kept. */
static const char *screen_row(const struct screen *s, int row, char *text)
{
    memcpy(text, s->cells[row], (size_t)s->width);
    text[s->width] = '\0';
    return text;
}

static int screen_shows(const struct screen *s, const char *part)
{
    char text[MAX_COLUMNS + 1];

    for (int row = 0; row < s->height; row++)
        if (strstr(screen_row(s, row, text), part) != NULL)
            return 1;
    return 0;
}

/* A whole frame: no cell left from before, the title on the first row and
 * the keys on the last, both cut at the width. */
static int screen_is_frame(const struct screen *s)
{
    char text[MAX_COLUMNS + 1];
    size_t title = strlen(TITLE), keys = strlen(KEYS);

    for (int row = 0; row < s->height; row++)
        if (strchr(screen_row(s, row, text), '~') != NULL)
            return 0;
    return s->garbled == 0 &&
           strncmp(screen_row(s, 0, text), TITLE,
                   title < (size_t)s->width ? title : (size_t)s->width) == 0 &&
           strncmp(screen_row(s, s->height - 1, text), KEYS,
                   keys < (size_t)s->width ? keys : (size_t)s->width) == 0;
}

static void screen_dump(const struct screen *s, char *out, size_t size)
{
    char text[MAX_COLUMNS + 1];
    size_t used = 0;

    out[0] = '\0';
    for (int row = 0; row < s->height && used < size; row++)
        used += (size_t)snprintf(out + used, size - used, "|%s|\n",
                                 screen_row(s, row, text));
}

/* ---- the live view on a pseudo-terminal ---------------------------------- */

struct live {
    pid_t pid;
    int master;
    int ended; /* the terminal's last user closed it */
    struct screen screen;
    char *transcript; /* every byte written, up to TRANSCRIPT_SIZE - 1 */
    size_t transcript_len;
};

/* Runs the program name of the clients' folder with args (up to a NULL)
 * on a new pseudo-terminal of width x height. */
static void live_start(struct live *l, int width, int height, const char *name,
                       const char *const args[])
{
    char path[4096];
    char *argv[8] = {path};
    struct winsize size = {.ws_row = (unsigned short)height,
                           .ws_col = (unsigned short)width};

    assert_true(width <= MAX_COLUMNS && height <= MAX_ROWS);
    snprintf(path, sizeof path, "%s/%s", SC_CLIENTS_DIR, name);
    for (size_t i = 0; i + 2 < 8 && args[i] != NULL; i++)
        argv[i + 1] = (char *)args[i];
    memset(l, 0, sizeof *l);
    l->transcript = calloc(TRANSCRIPT_SIZE, 1);
    assert_non_null(l->transcript);
    screen_resize(&l->screen, width, height);
    l->pid = forkpty(&l->master, NULL, NULL, &size);
    assert_true(l->pid >= 0);
    if (l->pid == 0) {
        execv(path, argv);
        _exit(127);
    }
}

static void watch_start(struct live *l, const char *interval)
{
    const char *const args[] = {"--interval", interval, NULL};

    live_start(l, 80, 24, "counter_watch", args);
}

/* Feeds what the view wrote within ms to the screen. */
static void live_read(struct live *l, int ms)
{
    struct pollfd poll_fd = {.fd = l->master, .events = POLLIN};
    char bytes[4096];

    if (l->ended || poll(&poll_fd, 1, ms) <= 0)
        return;
    ssize_t got = read(l->master, bytes, sizeof bytes);
    if (got > 0) {
        size_t room = TRANSCRIPT_SIZE - 1 - l->transcript_len;
        size_t kept = (size_t)got < room ? (size_t)got : room;
        memcpy(l->transcript + l->transcript_len, bytes, kept);
        l->transcript_len += kept;
        screen_feed(&l->screen, bytes, (size_t)got);
    } else if (got == 0 || errno == EIO)
        l->ended = 1;
}

/* Waits for the screen to show part, or (part NULL) a whole frame. */
static void live_wait_for(struct live *l, const char *part)
{
    uint64_t deadline = sc__clock_ms() + WAIT_MS;

    while (part != NULL ? !screen_shows(&l->screen, part)
                        : !screen_is_frame(&l->screen)) {
        if (sc__clock_ms() > deadline || l->ended) {
            char dump[MAX_ROWS * (MAX_COLUMNS + 4)];
            screen_dump(&l->screen, dump, sizeof dump);
            fail_msg("no %s \"%s\" on the %dx%d screen:\n%s",
                     part != NULL ? "text" : "whole frame", part ? part : "",
                     l->screen.width, l->screen.height, dump);
        }
        live_read(l, 50);
    }
}

static int is_raw(int master)
{
    struct termios modes;

    assert_int_equal(tcgetattr(master, &modes), 0);
    return (modes.c_lflag & (ICANON | ECHO | ISIG)) == 0;
}

static int is_cooked(int master)
{
    struct termios modes;
    tcflag_t cooked = ICANON | ECHO | ISIG;

    assert_int_equal(tcgetattr(master, &modes), 0);
    return (modes.c_lflag & cooked) == cooked && (modes.c_iflag & ICRNL);
}

/* Reads until the program has closed the terminal and exited; returns its
 * wait status. */
static int live_end(struct live *l)
{
    int status;

    while (!l->ended)
        live_read(l, 1000);
    assert_int_equal(waitpid(l->pid, &status, 0), l->pid);
    close(l->master);
    free(l->transcript);
    return status;
}

/* Ends the view: the terminal must have left the alternate screen, shown
 * the cursor again and have its modes back. */
static int live_finish(struct live *l)
{
    while (!l->ended)
        live_read(l, 1000);
    assert_int_equal(l->screen.alternate, 0);
    assert_int_equal(l->screen.cursor_hidden, 0);
    assert_true(is_cooked(l->master));
    return live_end(l);
}

static void live_quit_with(struct live *l, const char *key)
{
    assert_int_equal(write(l->master, key, 1), 1);
    int status = live_finish(l);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void live_view_redraws_and_q_quits(void **state)
{
    struct live l;

    (void)state;
    sc_exchange(31337);
    watch_start(&l, "100");
    live_wait_for(&l, "counter     31,337 ");
    live_wait_for(&l, "this one  counter_watch");
    assert_int_equal(l.screen.alternate, 1);
    assert_int_equal(l.screen.cursor_hidden, 1);
    assert_true(is_raw(l.master));
    sc_exchange(-5);
    live_wait_for(&l, "counter     -5 ");
    live_quit_with(&l, "q");
}

/* With a redraw only once a minute, only the size change can bring the
 * frame at the new size. */
static void live_view_follows_a_resize(void **state)
{
    struct live l;
    char row[MAX_COLUMNS + 1];
    const int sizes[][2] = {{30, 10}, {100, 30}, {44, 12}};

    (void)state;
    watch_start(&l, "60000");
    live_wait_for(&l, NULL);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct winsize size = {.ws_col = (unsigned short)sizes[i][0],
                               .ws_row = (unsigned short)sizes[i][1]};
        assert_int_equal(ioctl(l.master, TIOCSWINSZ, &size), 0);
        screen_resize(&l.screen, sizes[i][0], sizes[i][1]);
        kill(l.pid, SIGWINCH);
        live_wait_for(&l, NULL);
    }
    assert_string_equal(screen_row(&l.screen, 0, row),
                        TITLE "   "); /* 41 columns of 44 */
    live_quit_with(&l, "\033");
}

static void live_view_quits_on_ctrl_c(void **state)
{
    struct live l;

    (void)state;
    watch_start(&l, "100");
    live_wait_for(&l, TITLE);
    live_quit_with(&l, "\003");
}

/* The terminal comes back, then the view ends by the signal it was sent. */
static void live_view_gives_the_terminal_back_on_sigterm(void **state)
{
    struct live l;

    (void)state;
    watch_start(&l, "100");
    live_wait_for(&l, TITLE);
    assert_true(is_raw(l.master));
    kill(l.pid, SIGTERM);
    int status = live_finish(&l);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
}

/* Bytes the view writes within ms. */
static size_t live_bytes_within(struct live *l, int ms)
{
    size_t before = l->transcript_len;
    uint64_t end = sc__clock_ms() + (uint64_t)ms;

    for (uint64_t now = sc__clock_ms(); now < end && !l->ended;
         now = sc__clock_ms())
        live_read(l, (int)(end - now));
    return l->transcript_len - before;
}

/* A change shows within a frame or so; once ops/s has fallen to 0 the view
 * writes nothing, over 2 s, however long it runs. */
static void live_view_redraws_on_change_and_idles(void **state)
{
    struct live l;
    char text[32];

    (void)state;
    sc_exchange(1000);
    watch_start(&l, "16");
    live_wait_for(&l, "ops/s       0 ");
    for (int i = 0; i < 5; i++) {
        int64_t value = 2000 + i;
        snprintf(text, sizeof text, "counter     2,00%d ", i);
        uint64_t changed = sc__clock_ms();
        sc_exchange(value);
        live_wait_for(&l, text);
        print_message("redrawn %" PRIu64 " ms after a change\n",
                      sc__clock_ms() - changed);
    }
    live_wait_for(&l, "ops/s       0 ");
    size_t idle = live_bytes_within(&l, 2000);
    print_message("bytes written over 2 s of no change: %zu\n", idle);
    assert_int_equal(idle, 0);
    live_quit_with(&l, "q");
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
    struct live l;

    (void)state;
    watch_start(&l, "16");
    live_wait_for(&l, NULL);
    sc__test_child_start_in(&worker, SC_CLIENTS_DIR, "counter_worker",
                            "--times", "100000000000", NULL);
    live_bytes_within(&l, 500);
    size_t from = l.transcript_len;
    live_bytes_within(&l, 2000);
    size_t frames = count_frames(l.transcript + from, l.transcript_len - from);
    kill(worker.pid, SIGKILL);
    sc__test_child_finish(&worker, NULL, 0);
    print_message("%zu redraws in 2 s while a worker adds\n", frames);
    assert_true(frames > 0);
    /* 2 s at 60 a second, with room for a slow or bursty machine. */
    assert_true(frames <= 200);
    live_quit_with(&l, "q");
}

/* ---- the demo's live line ----------------------------------------------- */

/* The bar and the rate, redrawn in place with '\r', then erased with
 * spaces before the report. */
static void demo_shows_a_live_line_on_a_terminal(void **state)
{
    const char *const args[] = {"--clients", "2", "--times", "100000000", NULL};
    struct live l;

    (void)state;
    live_start(&l, 60, 24, "counter_demo", args);
    while (!l.ended)
        live_read(&l, 1000);
    const char *text = l.transcript;
    const char *report = strstr(text, "2 counter_worker and 2 private_counter");
    assert_non_null(report);
    const char *bar = strstr(text, "\r[\xe2\x96");
    if (bar == NULL || bar > report || strstr(text, " ops/s") > report)
        fail_msg("no live line before the report:\n%s", text);
    /* The line, 59 columns, erased at the width it had. */
    assert_true(report - text > 61);
    assert_memory_equal(report - 61,
                        "\r                                                 "
                        "          \r",
                        61);
    assert_null(strstr(report, "ops/s"));
    assert_has(report, "expected +200000000: OK");
    int status = live_end(&l);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void demo_prints_no_live_line_into_a_pipe(void **state)
{
    struct sc_test_child demo;
    char out[OUTPUT_SIZE];

    (void)state;
    sc__test_child_start_in(&demo, SC_CLIENTS_DIR, "counter_demo", "--clients",
                            "2", "--times", "30000000", NULL);
    assert_int_equal(sc__test_child_finish(&demo, out, sizeof out), 0);
    assert_has(out, "expected +60000000: OK");
    if (strstr(out, "ops/s") != NULL || strstr(out, "\xe2\x96") != NULL ||
        strchr(out, '\r') != NULL)
        fail_msg("a live line in the pipe:\n%s", out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(once_shows_the_value_and_the_processes),
        cmocka_unit_test(json_gives_the_same_snapshot),
        cmocka_unit_test(once_measures_a_running_worker),
        cmocka_unit_test(bad_usage_is_refused),
        cmocka_unit_test(live_view_redraws_and_q_quits),
        cmocka_unit_test(live_view_follows_a_resize),
        cmocka_unit_test(live_view_quits_on_ctrl_c),
        cmocka_unit_test(live_view_gives_the_terminal_back_on_sigterm),
        cmocka_unit_test(live_view_redraws_on_change_and_idles),
        cmocka_unit_test(live_view_redraws_at_most_once_a_frame),
        cmocka_unit_test(demo_shows_a_live_line_on_a_terminal),
        cmocka_unit_test(demo_prints_no_live_line_into_a_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
