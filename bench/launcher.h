/* The launcher: counter_bench.exe as the user starts it. */
#ifndef SC_BENCH_LAUNCHER_H
#define SC_BENCH_LAUNCHER_H

#include "options.h"

/* Runs the whole benchmark and reports. Returns the exit status. */
int sc__bench_launcher_main(const struct sc_bench_options *o);

#endif /* SC_BENCH_LAUNCHER_H */
