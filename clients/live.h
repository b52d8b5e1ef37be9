/*
 * What the live views share (counter_watch, counter_window, counter_demo's
 * progress line): their command line, the counter's rate of change,
 * measured over the last second, and numbers grouped for people to read.
 */
#ifndef SC_LIVE_H
#define SC_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

/* sc__live_parse()'s answer when the program is to run. */
enum { SC_LIVE_RUN = -1 };

/* Parses the command line of a live view of the library's counter:
 * options[0..count-1], --help (print_help prints it) and --version (with
 * the library's version and path, and on Windows its build). Returns
 * SC_LIVE_RUN, or the exit code once the help or the versions are printed
 * or bad usage is reported. */
int sc__live_parse(const char *program, int argc, char **argv,
                   struct sc_option *options, size_t count,
                   void (*print_help)(void));

enum { SC_RATE_SAMPLES = 64, SC_RATE_WINDOW_MS = 1000 };

/* The samples of the last SC_RATE_WINDOW_MS or so; zero it to start. */
struct sc_rate {
    uint64_t ms[SC_RATE_SAMPLES];
    int64_t values[SC_RATE_SAMPLES];
    size_t next, count;
};

/* Records the counter's value at the time now_ms, on a clock that only
 * moves forward (sc__clock_ms()). */
void sc__rate_add(struct sc_rate *rate, uint64_t now_ms, int64_t value);

/* The change per second between the newest sample and the oldest one not
 * older than SC_RATE_WINDOW_MS before it (at least the one before the
 * newest). Returns 0 with *per_second set, or -1 with fewer than two
 * samples. The counter wraps, so a change is taken in wrapping arithmetic:
 * the rate of a counter that went past INT64_MAX is still right. */
int sc__rate_per_second(const struct sc_rate *rate, double *per_second);

/* Writes value with a comma between groups of three digits
 * ("-40,000,000") into buf, which needs room for 27 bytes. Returns buf. */
char *sc__format_grouped(int64_t value, char *buf, size_t size);

#endif /* SC_LIVE_H */
