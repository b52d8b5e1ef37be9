/* The command line of counter_bench; see options.h. */
#include "options.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "int_parse.h"
#include "pool.h"
#include "variants.h"
#include "worker.h"

static const struct sc_bench_options defaults = {
    .repetitions = 15,
    .duration_ms = 50,
    .procs = {1, 2, 4, 8},
    .proc_count = 4,
    .launches = 40,
};

static void usage(FILE *out)
{
    fputs("usage: counter_bench [options]\n"
          "\n"
          "Times one increment of a counter that several processes share, in\n"
          "each of these ways, side by side in one run:\n",
          out);
    for (int i = 0; i < sc__bench_variant_count(); i++)
        fprintf(out, "  %-14s %s\n", sc__bench_variant(i)->name,
                sc__bench_variant(i)->what);
    fputs(
        "(hardened only when sharedcounter_hardened.dll is next to this\n"
        "program). Each runs in every process count, all processes released\n"
        "together, several times, the variants taking turns. The table gives\n"
        "medians, the min-max spread and the cost relative to the limit, and\n"
        "counts the updates each variant lost. Then it times starting a\n"
        "client that loads the DLL against one that does not.\n"
        "\n"
        "options:\n",
        out);
    fprintf(out,
            "  --repetitions N   timed runs per variant and process count"
            " (default %d)\n"
            "  --duration MS     length of one timed run in ms (default %d)\n"
            "  --processes LIST  process counts, comma-separated, 1-%d"
            " (default %d,%d,%d,%d)\n"
            "  --launches N      starts of each small program for the launch"
            " cost\n"
            "                    (default %d; 0 skips it)\n",
            defaults.repetitions, defaults.duration_ms, SC_BENCH_MAX_PROCS,
            defaults.procs[0], defaults.procs[1], defaults.procs[2],
            defaults.procs[3], defaults.launches);
    fputs("  --csv FILE        write the table as CSV\n"
          "  --runs-csv FILE   write every timed run as CSV\n"
          "  --svg FILE        write a plot of operations/s against processes\n"
          "  --help            show this text\n"
          "(" SC_BENCH_WORKER_FLAG " PID is how the benchmark starts its own"
          " workers.)\n"
          "\n"
          "Exit status: 0 done; 1 a safe variant lost an update, or a run"
          " failed;\n"
          "2 bad usage.\n",
          out);
}

static enum sc_bench_parse bad_usage(const char *problem, const char *arg)
{
    fprintf(stderr, "counter_bench: %s: %s\n\n", problem, arg);
    usage(stderr);
    return SC_BENCH_BAD;
}

/* Digits only (no sign), within [min, max]. */
static int parse_int(const char *text, long min, long max, int *value)
{
    int64_t v;

    if (!isdigit((unsigned char)text[0]) ||
        sc__parse_int64(text, &v) != SC_PARSE_OK || v < min || v > max)
        return 0;
    *value = (int)v;
    return 1;
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* "1,2,4,8": each 1..SC_BENCH_MAX_PROCS, none twice; sorted ascending. */
static int parse_procs(const char *text, struct sc_bench_options *o)
{
    o->proc_count = 0;
    for (const char *item = text;; item++) {
        char number[16];
        size_t len = strcspn(item, ",");
        if (len >= sizeof number || o->proc_count == SC_BENCH_MAX_COUNTS)
            return 0;
        memcpy(number, item, len);
        number[len] = '\0';
        if (!parse_int(number, 1, SC_BENCH_MAX_PROCS,
                       &o->procs[o->proc_count++]))
            return 0;
        item += len;
        if (*item == '\0')
            break;
    }
    qsort(o->procs, (size_t)o->proc_count, sizeof o->procs[0], compare_ints);
    for (int i = 1; i < o->proc_count; i++)
        if (o->procs[i] == o->procs[i - 1])
            return 0;
    return 1;
}

/* Applies "--name value"; 0 if the value is not valid for the option. */
static int apply_option(const char *name, const char *value,
                        struct sc_bench_options *o)
{
    if (strcmp(name, "--repetitions") == 0)
        return parse_int(value, 1, SC_BENCH_MAX_REPETITIONS, &o->repetitions);
    if (strcmp(name, "--duration") == 0)
        return parse_int(value, 1, 60000, &o->duration_ms);
    if (strcmp(name, "--launches") == 0)
        return parse_int(value, 0, 10000, &o->launches);
    if (strcmp(name, "--processes") == 0)
        return parse_procs(value, o);
    if (strcmp(name, "--csv") == 0)
        o->csv_path = value;
    else if (strcmp(name, "--runs-csv") == 0)
        o->runs_csv_path = value;
    else if (strcmp(name, "--svg") == 0)
        o->svg_path = value;
    return 1;
}

static int takes_value(const char *name)
{
    static const char *const names[] = {
        "--repetitions", "--duration", "--launches", "--processes",
        "--csv",         "--runs-csv", "--svg",
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

static enum sc_bench_parse parse_worker(int argc, char **argv,
                                        struct sc_bench_options *o)
{
    int pid;

    if (argc != 3 || !parse_int(argv[2], 1, 0x7fffffff, &pid))
        return bad_usage("expected " SC_BENCH_WORKER_FLAG " PID", argv[1]);
    o->worker_of = (DWORD)pid;
    return SC_BENCH_RUN;
}

enum sc_bench_parse sc__bench_parse_options(int argc, char **argv,
                                            struct sc_bench_options *o)
{
    *o = defaults;
    if (argc > 1 && strcmp(argv[1], SC_BENCH_WORKER_FLAG) == 0)
        return parse_worker(argc, argv, o);
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i];
        if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
            usage(stdout);
            return SC_BENCH_HELP;
        }
        if (!takes_value(name))
            return bad_usage("unknown option", name);
        if (i + 1 == argc)
            return bad_usage("missing value after", name);
        if (!apply_option(name, argv[++i], o)) {
            char problem[64];
            snprintf(problem, sizeof problem, "bad value for %s", name);
            return bad_usage(problem, argv[i]);
        }
    }
    return SC_BENCH_RUN;
}
