/*
 * Where the counter and the process table live. Each build of the library
 * provides one definition of each pointer; the code that uses them never
 * knows which storage it is.
 */
#ifndef SC_COUNTER_STORAGE_H
#define SC_COUNTER_STORAGE_H

#include "atomics.h"
#include "process_table.h"

/* The layout of the shared storage in every build. The counter has a cache
 * line to itself, so that processes attaching and detaching do not take it
 * away from the callers that update the counter. */
struct sc_shared_storage {
    _Alignas(64) sc__atomic64 counter;
    _Alignas(64) struct sc_process_table processes;
};

extern sc__atomic64 *sc__counter;
extern struct sc_process_table *sc__process_table;

/* This process's entry in the process table (processes.c), for the image's
 * load and unload hooks: attach once the storage is in place, detach while
 * it still is. */
void sc__processes_attach(void);
void sc__processes_detach(void);

#endif /* SC_COUNTER_STORAGE_H */
