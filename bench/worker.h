/*
 * The worker side of a benchmark run: counter_bench.exe started by the
 * launcher with "--worker <launcher pid>".
 *
 * The launcher writes one command a line to the worker's stdin:
 *     run <variant index> <duration in ms>
 * and the worker answers on stdout with
 *     ready
 * once it waits for the start event, and when its time is up with
 *     done <increments> <first tick> <last tick> <counter change it saw>
 * (ticks of QueryPerformanceCounter, one clock for all processes). On any
 * failure it answers "error <text>" and exits with status 1. End of input
 * ends the worker with status 0.
 */
#ifndef SC_BENCH_WORKER_H
#define SC_BENCH_WORKER_H

#include <windows.h>

#define SC_BENCH_WORKER_FLAG "--worker"

int sc__bench_worker_main(DWORD launcher_pid);

#endif /* SC_BENCH_WORKER_H */
