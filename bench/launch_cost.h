/*
 * What a client pays to start, load sharedcounter.dll, increment once and
 * exit, against a program that does the same minus the DLL.
 */
#ifndef SC_BENCH_LAUNCH_COST_H
#define SC_BENCH_LAUNCH_COST_H

#include <stdint.h>

#include "numbers.h"

struct sc_bench_launch_cost {
    int launches;                     /* timed launches of each program */
    struct sc_bench_spread plain_ms;  /* launch_plain.exe: no DLL */
    struct sc_bench_spread client_ms; /* launch_client.exe: DLL, increment */
    int64_t increments, counted;      /* client starts, counter change */
};

/* Starts the two programs from this program's folder, one at a time and in
 * turns, launches times each after one untimed start of each. Returns 0, or
 * 1 after a message. */
int sc__bench_launch_cost(int launches, struct sc_bench_launch_cost *cost);

#endif /* SC_BENCH_LAUNCH_COST_H */
