/*
 * counter_export: the library's counters in the Prometheus text format
 * (version 0.0.4), the calls that read them in plain sight: sc_counter_next()
 * lists the named counters, sc_get() reads the default one and
 * sc_processes() counts the processes that have the library loaded.
 *
 * It prints the text once, or with --textfile keeps a file of it for the
 * textfile collectors of node_exporter and windows_exporter, or with
 * --listen serves it over HTTP at /metrics (export_http.c). What the
 * platforms do their own way is in export_posix.c and export_win32.c.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "export.h"
#include "options.h"
#include "sharedcounter.h"

#define PROGRAM "counter_export"

/* The two gauges beside the named counters. */
#define VALUE_GAUGE "sharedcounter_value"
#define PROCESSES_GAUGE "sharedcounter_processes"

#define MAX_INTERVAL_S 86400

/* ---- the text -------------------------------------------------------------
 */

/* A text that grows as it is written. */
struct text {
    char *data;
    size_t length, room;
    int failed; /* out of memory: data is dropped */
};

SC_PRINTF(2, 3) static void put(struct text *t, const char *format, ...)
{
    va_list args;

    for (int tries = 0; tries < 2 && !t->failed; tries++) {
        va_start(args, format);
        int needed = vsnprintf(t->data != NULL ? t->data + t->length : NULL,
                               t->room - t->length, format, args);
        va_end(args);
        if (needed < 0) {
            t->failed = 1;
        } else if ((size_t)needed < t->room - t->length) {
            t->length += (size_t)needed;
            return;
        } else {
            size_t room = 2 * t->room + (size_t)needed + 1;
            char *bigger = realloc(t->data, room);
            if (bigger == NULL) {
                t->failed = 1;
                return;
            }
            t->data = bigger;
            t->room = room;
        }
    }
}

/* One family's comment lines: its help and its type. */
static void put_family(struct text *t, const char *family, size_t length,
                       const char *help, const char *type)
{
    put(t, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)length, family, help,
        (int)length, family, type);
}

/* ---- the counters ---------------------------------------------------------
 */

struct series {
    char name[SC_NAME_MAX + 1]; /* as the table keeps it: labels sorted */
    size_t family;              /* the length of its metric name */
    int64_t value;
};

/* Families together, in the order of their names; in a family, the series
 * by their labels, the one without labels first. */
static int by_family(const void *a, const void *b)
{
    const struct series *x = a, *y = b;
    size_t shorter = x->family < y->family ? x->family : y->family;
    int order = memcmp(x->name, y->name, shorter);

    if (order != 0)
        return order;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return strcmp(x->name + x->family, y->name + y->family);
}

static int same_family(const struct series *a, const struct series *b)
{
    return a->family == b->family && memcmp(a->name, b->name, a->family) == 0;
}

static int is_family(const struct series *s, const char *family)
{
    return s->family == strlen(family) &&
           memcmp(s->name, family, s->family) == 0;
}

/* Reads the table, one counter per call, into all; returns how many. A
 * counter named like one of the two gauges is left out, and said so once
 * per run. */
static size_t read_table(struct series *all)
{
    static char warned[SC_COUNTERS];
    size_t count = 0;

    for (int32_t id = -1; count < SC_COUNTERS;) {
        struct series *s = &all[count];
        id = sc_counter_next(id, s->name, sizeof s->name, &s->value);
        if (id < 0)
            break;
        s->family = strcspn(s->name, "{");
        if (!is_family(s, VALUE_GAUGE) && !is_family(s, PROCESSES_GAUGE)) {
            count++;
        } else if (!warned[id]) {
            warned[id] = 1;
            sc__error(PROGRAM,
                      "left out \"%s\": %.*s is " PROGRAM "'s own gauge",
                      s->name, (int)s->family, s->name);
        }
    }
    return count;
}

/* The metric name says the type: a name that ends in _total counts. */
static const char *type_of(const struct series *s)
{
    return s->family >= 6 && memcmp(s->name + s->family - 6, "_total", 6) == 0
               ? "counter"
               : "gauge";
}

/* The whole text, as sc_export_metrics says. */
static char *metrics(size_t *length)
{
    struct series *all = malloc(SC_COUNTERS * sizeof *all);
    struct text t = {0};

    if (all == NULL)
        return NULL;
    size_t count = read_table(all);
    qsort(all, count, sizeof *all, by_family);
    put_family(&t, VALUE_GAUGE, strlen(VALUE_GAUGE),
               "The library's default counter (sc_get).", "gauge");
    put(&t, VALUE_GAUGE " %" PRId64 "\n", sc_get());
    put_family(&t, PROCESSES_GAUGE, strlen(PROCESSES_GAUGE),
               "Processes that have the library loaded (sc_processes).",
               "gauge");
    put(&t, PROCESSES_GAUGE " %" PRIu32 "\n", sc_processes(NULL, 0));
    for (size_t i = 0; i < count; i++) {
        const struct series *s = &all[i];
        if (i == 0 || !same_family(&all[i - 1], s))
            put_family(&t, s->name, s->family,
                       "A named counter of the library (sc_counter_open).",
                       type_of(s));
        put(&t, "%s %" PRId64 "\n", s->name, s->value);
    }
    free(all);
    if (t.failed) {
        free(t.data);
        return NULL;
    }
    *length = t.length;
    return t.data;
}

/* ---- the modes ------------------------------------------------------------
 */

static int print_once(void)
{
    size_t length;
    char *text = metrics(&length);

    if (text == NULL) {
        sc__error(PROGRAM, "out of memory");
        return SC_EXIT_FAILURE;
    }
    int failed = sc__export_write_stdout(text, length);
    free(text);
    if (failed) {
        sc__error(PROGRAM, "cannot write to stdout");
        return SC_EXIT_FAILURE;
    }
    return SC_EXIT_OK;
}

/* Writes the file, then with an interval again after each, until a stop
 * is asked. */
static int keep_file(const char *path, int64_t interval_s)
{
    char why[600];

    for (;;) {
        size_t length;
        char *text = metrics(&length);
        if (text == NULL) {
            sc__error(PROGRAM, "out of memory");
            return SC_EXIT_FAILURE;
        }
        int failed =
            sc__export_replace_file(path, text, length, why, sizeof why);
        free(text);
        if (failed) {
            sc__error(PROGRAM, "%s", why);
            return SC_EXIT_FAILURE;
        }
        if (interval_s == 0 || sc__export_stop_asked())
            return SC_EXIT_OK;
        sc__export_sleep((uint32_t)interval_s * 1000);
        if (sc__export_stop_asked())
            return SC_EXIT_OK;
    }
}

static int ends_with(const char *text, const char *end)
{
    size_t length = strlen(text), end_length = strlen(end);

    return length >= end_length && strcmp(text + length - end_length, end) == 0;
}

static void print_help(void)
{
    printf("usage: " PROGRAM "\n"
           "       " PROGRAM " --textfile PATH [--interval SECONDS]\n"
           "       " PROGRAM " --listen [HOST:]PORT\n"
           "       " PROGRAM " --help | --version\n\n"
           "Shows the counters of " SC_LIBRARY_NAME " in the Prometheus text\n"
           "format 0.0.4: every named counter, a counter if its metric name\n"
           "ends in _total and a gauge otherwise, and two gauges:\n"
           "  " VALUE_GAUGE "      the default counter (sc_get)\n"
           "  " PROCESSES_GAUGE "  the processes that have the library\n"
           "                           loaded, this one included\n"
           "Without options it prints them once on stdout.\n\n"
           "--textfile PATH      write them to PATH, which ends in .prom, for\n"
           "                     the textfile collector of node_exporter or\n"
           "                     windows_exporter; each write replaces the\n"
           "                     file at once (PATH.tmp-<pid>, then a rename)\n"
           "--interval SECONDS   write it again every SECONDS, 1 to %d, until\n"
           "                     stopped (SIGTERM, SIGINT, Ctrl-C)\n"
           "--listen [HOST:]PORT serve them over HTTP at /metrics until\n"
           "                     stopped: PORT alone listens on 127.0.0.1,\n"
           "                     :PORT on every address, [::1]:PORT on an\n"
           "                     IPv6 address; port 0 takes a free one. It\n"
           "                     prints \"serving http://ADDRESS/metrics\"\n"
           "--version            show the version of this program and of the\n"
           "                     library\n"
           "--help               show this help\n\n"
           "Exit status: 0 done, or stopped; 1 a write, the listening or the\n"
           "network failed; 2 bad arguments.\n",
           MAX_INTERVAL_S);
}

int main(int argc, char **argv)
{
    enum { TEXTFILE, INTERVAL, LISTEN, COUNT };
    struct sc_option options[COUNT] = {
        [TEXTFILE] = SC_STRING_OPTION("--textfile", NULL),
        [INTERVAL] = SC_INT_OPTION("--interval", 1, MAX_INTERVAL_S, 0),
        [LISTEN] = SC_STRING_OPTION("--listen", NULL),
    };
    struct sc_export_address address;

    switch (sc__parse_args(argc, argv, PROGRAM, options, COUNT)) {
    case SC_ARGS_HELP:
        print_help();
        return fflush(stdout) == 0 ? SC_EXIT_OK : SC_EXIT_FAILURE;
    case SC_ARGS_VERSION:
        return sc__print_versions(PROGRAM, (const void *)sc_counter_next,
                                  sc_version());
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_OK:
        break;
    }
    if (options[TEXTFILE].given && options[LISTEN].given)
        return sc__usage_error(PROGRAM,
                               "give one of --textfile and --listen, not both");
    if (options[INTERVAL].given && !options[TEXTFILE].given)
        return sc__usage_error(PROGRAM, "--interval needs --textfile");
    if (options[TEXTFILE].given && !ends_with(options[TEXTFILE].text, ".prom"))
        return sc__usage_error(PROGRAM,
                               "--textfile %s: the name must end in .prom, "
                               "the files that textfile collectors read",
                               options[TEXTFILE].text);
    if (options[LISTEN].given &&
        sc__export_parse_address(options[LISTEN].text, &address) != 0)
        return sc__usage_error(PROGRAM,
                               "--listen %s: give PORT, HOST:PORT, :PORT or "
                               "[IPV6]:PORT, the port 0 to 65535",
                               options[LISTEN].text);

    if (!options[TEXTFILE].given && !options[LISTEN].given)
        return print_once();
    if ((options[INTERVAL].given || options[LISTEN].given) &&
        sc__export_catch_stop() != 0) {
        char why[300];
        sc__error(PROGRAM, "cannot catch the stop signals: %s",
                  sc__last_error_text(why, sizeof why));
        return SC_EXIT_FAILURE;
    }
    if (options[LISTEN].given)
        return sc__export_serve(PROGRAM, &address, metrics);
    return keep_file(options[TEXTFILE].text, options[INTERVAL].value);
}
