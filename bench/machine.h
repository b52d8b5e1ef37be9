/* A one-line description of the machine, for the report. */
#ifndef SC_BENCH_MACHINE_H
#define SC_BENCH_MACHINE_H

#include <stddef.h>

/* "AMD EPYC, 2 CPUs, Wine 8.0" or "..., Windows 10.0.19045". Returns buf. */
const char *sc__bench_machine(char *buf, size_t size);

#endif /* SC_BENCH_MACHINE_H */
