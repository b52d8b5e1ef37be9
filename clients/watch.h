/*
 * counter_watch: the snapshots, the layout of the live view and the command
 * line are counter_watch.c; what a process is called and how long it has
 * run, the clock, and the screen the view draws on are the platform's part:
 * watch_win32.c (a console screen buffer of its own) and watch_posix.c (a
 * terminal's alternate screen, in raw mode).
 */
#ifndef SC_WATCH_H
#define SC_WATCH_H

#include <stdint.h>

/* Room for a program's file name in UTF-8: MAX_PATH characters of up to
 * three bytes on Windows, NAME_MAX bytes on Linux. */
enum { SC_WATCH_NAME_SIZE = 1024 };

struct sc_watched {
    uint32_t pid;
    int self;            /* the watcher itself */
    int64_t attached_ms; /* since the process started; -1: unknown */
    char program[SC_WATCH_NAME_SIZE]; /* UTF-8 file name; "?" when unknown */
};

/* What a row of the live view shows; each platform has its colours. */
enum sc_watch_style {
    SC_STYLE_PLAIN,
    SC_STYLE_BRIGHT, /* the value */
    SC_STYLE_TITLE,  /* the first row, across the whole width */
    SC_STYLE_LABEL,  /* headings and the keys */
    SC_STYLE_RATE,
    SC_STYLE_SELF, /* the watcher's own process */
};

struct sc_watch_row {
    enum sc_watch_style style;
    char text[SC_WATCH_NAME_SIZE + 64]; /* UTF-8; the platform cuts it */
};

/* One frame: a row for every line of the screen, top to bottom. */
struct sc_watch_frame {
    int width, height;
    struct sc_watch_row *rows;
};

enum sc_watch_event {
    SC_WATCH_TIMEOUT, /* nothing happened */
    SC_WATCH_REDRAW,  /* the screen changed size, or another key came */
    SC_WATCH_CHANGED, /* the counter changed: sc__watch_changed() */
    SC_WATCH_QUIT,    /* q, Esc, Ctrl-C, or a signal to end */
};

/* The platform's screen of the live view. */
struct sc_watch_screen;

/* Describes the process pid. A process that has just exited, or that this
 * user may not look at, keeps what cannot be read as unknown. The library
 * is loaded as a process starts (it is in its imports) or soon after, so
 * the process's age stands for how long it has been attached. */
void sc__watch_describe(struct sc_watched *w, uint32_t pid);

/* Takes over the console or terminal: a screen of its own, no cursor, keys
 * read one by one. Returns NULL after reporting why, with *status the exit
 * code: SC_EXIT_USAGE when stdin or stdout is not a console or terminal. */
struct sc_watch_screen *sc__watch_open(const char *program, int *status);

/* The size of the screen now, in character cells (at least 1 by 1). */
void sc__watch_size(struct sc_watch_screen *screen, int *width, int *height);

/* Draws every row of the frame, each cut at the frame's width and filled to
 * it, over what the previous frame left. */
void sc__watch_draw(struct sc_watch_screen *screen,
                    const struct sc_watch_frame *frame);

/* Waits up to ms for a key, a change of size or of the counter. */
enum sc_watch_event sc__watch_wait(struct sc_watch_screen *screen, uint64_t ms);

/* From any thread (the one that waits on the counter): makes the next
 * sc__watch_wait() return SC_WATCH_CHANGED, unless a key, a change of size
 * or a signal to end is there as well, which tells more. */
void sc__watch_changed(struct sc_watch_screen *screen);

/* Gives the console or terminal back as it was before sc__watch_open(). */
void sc__watch_close(struct sc_watch_screen *screen);

#endif /* SC_WATCH_H */
