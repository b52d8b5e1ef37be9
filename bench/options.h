/* The command line of counter_bench. */
#ifndef SC_BENCH_OPTIONS_H
#define SC_BENCH_OPTIONS_H

#include <windows.h>

enum { SC_BENCH_MAX_COUNTS = 8, SC_BENCH_MAX_REPETITIONS = 1000 };

struct sc_bench_options {
    int repetitions;
    int duration_ms;
    int procs[SC_BENCH_MAX_COUNTS]; /* process counts, ascending */
    int proc_count;
    int launches;         /* of each tiny program; 0 skips the launch cost */
    const char *csv_path; /* NULL: no summary CSV */
    const char *runs_csv_path; /* NULL: no CSV of single runs */
    const char *svg_path;      /* NULL: no plot */
    DWORD worker_of; /* nonzero: be a worker of the launcher with this pid */
};

enum sc_bench_parse {
    SC_BENCH_RUN,  /* options are in *o */
    SC_BENCH_HELP, /* usage printed on stdout: exit 0 */
    SC_BENCH_BAD,  /* message and usage printed on stderr: exit 2 */
};

enum sc_bench_parse sc__bench_parse_options(int argc, char **argv,
                                            struct sc_bench_options *o);

#endif /* SC_BENCH_OPTIONS_H */
