/*
 * counter_watch on POSIX systems; see watch.h. What a process is comes from
 * /proc. The live view takes the terminal's alternate screen, as a
 * full-screen terminal program does, so the user's text comes back when it
 * ends; it hides the cursor and reads keys one by one (raw mode: no echo,
 * and Ctrl-C is the byte 3 rather than a signal). Every frame moves the
 * cursor to each row and writes the row whole; after a change of size the
 * screen is cleared first, since the terminal may have reflowed the old
 * frame. Signals (SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGQUIT) only write a
 * byte into a pipe that the view waits on with stdin, so the terminal is
 * given back on the way out whatever ended the view. The thread that waits
 * on the counter writes into that pipe as well.
 */
#define _GNU_SOURCE

#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "options.h"

/* ---- what is attached ---------------------------------------------------- */

/* Reads the small file path into text; returns the length, or -1. */
static ssize_t read_small_file(const char *path, char *text, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    ssize_t got = read(fd, text, size - 1);
    close(fd);
    if (got >= 0)
        text[got] = '\0';
    return got;
}

/* File names may hold any byte but '/' and NUL: control characters become
 * '?', so that no name can move the cursor or change a terminal's state. */
static void set_name(struct sc_watched *w, const char *name, size_t len)
{
    if (len >= sizeof w->program)
        len = sizeof w->program - 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        w->program[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    w->program[len] = '\0';
}

/* The file name of the program, from the link /proc/<pid>/exe; for a
 * process this user may not look into that far, the name the kernel keeps
 * in /proc/<pid>/comm (its first 15 bytes). */
static void read_program(struct sc_watched *w)
{
    char path[64], target[PATH_MAX + 1];

    snprintf(path, sizeof path, "/proc/%" PRIu32 "/exe", w->pid);
    ssize_t len = readlink(path, target, sizeof target - 1);
    if (len > 0) {
        target[len] = '\0';
        const char *name = strrchr(target, '/');
        name = name != NULL ? name + 1 : target;
        set_name(w, name, strlen(name));
        return;
    }
    snprintf(path, sizeof path, "/proc/%" PRIu32 "/comm", w->pid);
    len = read_small_file(path, target, sizeof target);
    if (len > 0)
        set_name(w, target, strcspn(target, "\n"));
}

static uint64_t boot_clock_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_BOOTTIME, &now);
    return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/* The process's age: its start time, field 22 of /proc/<pid>/stat, is in
 * clock ticks since boot, the clock CLOCK_BOOTTIME counts. The command
 * name, field 2, may hold spaces and parentheses, so the fields are counted
 * from the last ')'. */
static void read_age(struct sc_watched *w)
{
    char path[64], text[1024];
    uint64_t ticks;
    long per_second = sysconf(_SC_CLK_TCK);

    snprintf(path, sizeof path, "/proc/%" PRIu32 "/stat", w->pid);
    if (read_small_file(path, text, sizeof text) <= 0 || per_second <= 0)
        return;
    const char *fields = strrchr(text, ')');
    if (fields == NULL ||
        sscanf(fields + 1,
               " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
               "%*d %*d %*d %*d %" SCNu64,
               &ticks) != 1)
        return;
    uint64_t started = ticks * 1000 / (uint64_t)per_second;
    uint64_t now = boot_clock_ms();
    w->attached_ms = now > started ? (int64_t)(now - started) : 0;
}

void sc__watch_describe(struct sc_watched *w, uint32_t pid)
{
    w->pid = pid;
    w->self = pid == (uint32_t)getpid();
    w->attached_ms = -1;
    strcpy(w->program, "?");
    read_program(w);
    read_age(w);
}

/* ---- the live view ------------------------------------------------------- */

#define ESC "\033"
#define CSI ESC "["

/* The colours of the Windows console view, in SGR sequences. */
static const char *const sgr[] = {
    [SC_STYLE_PLAIN] = CSI "0m",         [SC_STYLE_BRIGHT] = CSI "0;1m",
    [SC_STYLE_TITLE] = CSI "0;1;37;44m", [SC_STYLE_LABEL] = CSI "0;2m",
    [SC_STYLE_RATE] = CSI "0;1;32m",     [SC_STYLE_SELF] = CSI "0;1;36m",
};

/* The alternate screen and a hidden cursor; and back. */
static const char ENTER_VIEW[] = CSI "?1049h" CSI "?25l";
static const char LEAVE_VIEW[] = CSI "0m" CSI "?25h" CSI "?1049l";

static const int handled_signals[] = {SIGWINCH, SIGTERM, SIGINT, SIGHUP,
                                      SIGQUIT};
enum { SIGNAL_COUNT = sizeof handled_signals / sizeof handled_signals[0] };

struct sc_watch_screen {
    struct termios saved;
    struct sigaction old_actions[SIGNAL_COUNT];
    int width, height; /* of the last frame drawn; 0 before the first */
};

/* The signal handlers' side of the view: the pipe they write into, and the
 * signal that asked the view to end, raised again once the terminal is
 * given back, so the process ends as the sender meant. */
static int wake_pipe[2] = {-1, -1};
static volatile sig_atomic_t ending_signal;

static void on_signal(int signal)
{
    int saved_errno = errno;
    char byte = signal == SIGWINCH ? 'w' : 'q';

    if (signal != SIGWINCH)
        ending_signal = signal;
    /* A full pipe already holds a byte that wakes the view. */
    ssize_t ignored = write(wake_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved_errno;
}

/* Writes all of text to the terminal; a frame half written is left so. */
static void put(const char *text, size_t len)
{
    while (len > 0) {
        ssize_t done = write(STDOUT_FILENO, text, len);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return;
        text += done;
        len -= (size_t)done;
    }
}

static void catch_signals(struct sc_watch_screen *s)
{
    struct sigaction action = {.sa_handler = on_signal};

    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < SIGNAL_COUNT; i++)
        sigaction(handled_signals[i], &action, &s->old_actions[i]);
}

static void release_signals(struct sc_watch_screen *s)
{
    for (size_t i = 0; i < SIGNAL_COUNT; i++)
        sigaction(handled_signals[i], &s->old_actions[i], NULL);
    close(wake_pipe[0]);
    close(wake_pipe[1]);
    wake_pipe[0] = wake_pipe[1] = -1;
}

/* Keys one by one, unechoed; Ctrl-C, Ctrl-Z and Ctrl-\ come as bytes, and
 * output processing stays on. */
static int enter_raw_mode(const struct termios *saved)
{
    struct termios raw = *saved;

    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL | BRKINT | ISTRIP);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    return tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

struct sc_watch_screen *sc__watch_open(const char *program, int *status)
{
    struct sc_watch_screen *s = calloc(1, sizeof *s);

    *status = SC_EXIT_FAILURE;
    if (s == NULL) {
        sc__error(program, "out of memory");
        return NULL;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) ||
        tcgetattr(STDIN_FILENO, &s->saved) != 0) {
        free(s);
        *status = sc__usage_error(program, "the live view needs a terminal; "
                                           "use --once or --json in scripts");
        return NULL;
    }
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        sc__error(program, "cannot make a pipe: %s", strerror(errno));
        free(s);
        return NULL;
    }
    catch_signals(s);
    if (enter_raw_mode(&s->saved) != 0) {
        sc__error(program, "cannot set the terminal's mode: %s",
                  strerror(errno));
        release_signals(s);
        free(s);
        return NULL;
    }
    put(ENTER_VIEW, sizeof ENTER_VIEW - 1);
    return s;
}

void sc__watch_close(struct sc_watch_screen *s)
{
    put(LEAVE_VIEW, sizeof LEAVE_VIEW - 1);
    /* After the output, so that nothing of the view is written raw. */
    tcsetattr(STDIN_FILENO, TCSADRAIN, &s->saved);
    release_signals(s);
    free(s);
    if (ending_signal != 0)
        raise(ending_signal);
}

void sc__watch_size(struct sc_watch_screen *s, int *width, int *height)
{
    struct winsize size;

    (void)s;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0 ||
        size.ws_row == 0) {
        *width = 80;
        *height = 24;
        return;
    }
    *width = size.ws_col;
    *height = size.ws_row;
}

/* How many bytes of text make at most width characters of UTF-8, each
 * taken as one column. */
static size_t fit(const char *text, int width, int *columns)
{
    size_t len = 0;

    *columns = 0;
    for (; text[len] != '\0'; len++) {
        int starts = ((unsigned char)text[len] & 0xc0) != 0x80;
        if (starts && *columns == width)
            break;
        *columns += starts;
    }
    return len;
}

/* Appends to the frame's text; the buffer is sized for the frame. */
static void append(char **at, const char *text, size_t len)
{
    memcpy(*at, text, len);
    *at += len;
}

/* A row: its colours, its text cut at the width, and the rest of the line
 * blank in the same colours; a row of the full width needs no erasing,
 * which at the last column would erase its last character. */
static void put_row(char **at, int y, int width, const struct sc_watch_row *row)
{
    char move[32];
    int columns;
    size_t len = fit(row->text, width, &columns);

    append(at, move, (size_t)snprintf(move, sizeof move, CSI "%d;1H", y + 1));
    append(at, sgr[row->style], strlen(sgr[row->style]));
    append(at, row->text, len);
    if (columns < width)
        append(at, CSI "K", 3);
}

void sc__watch_draw(struct sc_watch_screen *s, const struct sc_watch_frame *f)
{
    /* Each row: a move, its colours, its text and an erase. */
    size_t room = 16 + (size_t)f->height * (32 + 16 + sizeof f->rows[0].text);
    char *text = malloc(room), *at = text;

    if (text == NULL)
        return;
    if (f->width != s->width || f->height != s->height)
        append(&at, CSI "0m" CSI "2J", 8);
    for (int y = 0; y < f->height; y++)
        put_row(&at, y, f->width, &f->rows[y]);
    append(&at, CSI "0m", 4);
    put(text, (size_t)(at - text));
    free(text);
    s->width = f->width;
    s->height = f->height;
}

void sc__watch_changed(struct sc_watch_screen *s)
{
    char byte = 'c';

    (void)s;
    /* A full pipe already holds a byte that wakes the view. */
    ssize_t ignored = write(wake_pipe[1], &byte, 1);
    (void)ignored;
}

/* What the signal handlers wrote, 'q' to end and 'w' for a new size, and
 * the follower 'c' for a change; the event that tells most wins, in the
 * order of enum sc_watch_event. */
static enum sc_watch_event drain_signals(void)
{
    enum sc_watch_event event = SC_WATCH_TIMEOUT;
    char bytes[16];
    ssize_t got;

    while ((got = read(wake_pipe[0], bytes, sizeof bytes)) > 0)
        for (ssize_t i = 0; i < got; i++) {
            enum sc_watch_event said = bytes[i] == 'q'   ? SC_WATCH_QUIT
                                       : bytes[i] == 'w' ? SC_WATCH_REDRAW
                                                         : SC_WATCH_CHANGED;
            if (said == SC_WATCH_QUIT || event == SC_WATCH_TIMEOUT ||
                (said == SC_WATCH_REDRAW && event == SC_WATCH_CHANGED))
                event = said;
        }
    return event;
}

/* q, Ctrl-C (3), or Esc on its own: the keys that send an escape sequence
 * (arrows, function keys) send it whole, in one read. */
static enum sc_watch_event read_keys(void)
{
    char keys[64];
    ssize_t got = read(STDIN_FILENO, keys, sizeof keys);

    if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
        return SC_WATCH_QUIT;
    for (ssize_t i = 0; i < got; i++)
        if (keys[i] == 'q' || keys[i] == 'Q' || keys[i] == 3 ||
            (keys[i] == 27 && got == 1))
            return SC_WATCH_QUIT;
    return SC_WATCH_REDRAW;
}

enum sc_watch_event sc__watch_wait(struct sc_watch_screen *s, uint64_t ms)
{
    struct pollfd fds[2] = {{.fd = wake_pipe[0], .events = POLLIN},
                            {.fd = STDIN_FILENO, .events = POLLIN}};

    (void)s;
    int ready = poll(fds, 2, ms > INT_MAX ? INT_MAX : (int)ms);
    if (ready <= 0)
        /* A signal's byte waits in the pipe for the next call. */
        return SC_WATCH_TIMEOUT;
    enum sc_watch_event event =
        fds[0].revents != 0 ? drain_signals() : SC_WATCH_TIMEOUT;
    if (event == SC_WATCH_QUIT)
        return event;
    /* Keys before a change, which a counter that changes all the time
     * would otherwise bring every time; a key redraws anyway. */
    if (fds[1].revents & POLLIN)
        return read_keys();
    /* The terminal hung up. */
    return fds[1].revents != 0 ? SC_WATCH_QUIT : event;
}
