/*
 * The shared storage: the counter and the process table, in one layout for
 * every build. The code that uses them calls sc__storage() and never knows
 * where they are.
 *
 * The section builds (sharedcounter.dll, libsharedcounter.so) keep the
 * storage in a variable of the image itself, sc__section_storage in
 * counter.c, at an address the linker fixes relative to the code: every
 * operation addresses the counter directly
 * (lock xadd %rax, sc__section_storage(%rip)), with no load in front of it.
 * A locked instruction is a full barrier, so such a load, waiting for the
 * previous call's update, would lengthen every call in a loop.
 *
 * The hardened build (SC_STORAGE_MAPPING) keeps a pointer to the view of its
 * named mapping (mapping_win32.c), which MapViewOfFile places anywhere.
 */
#ifndef SC_COUNTER_STORAGE_H
#define SC_COUNTER_STORAGE_H

#include "atomics.h"
#include "process_table.h"

/* The counter has a cache line to itself, so that processes attaching and
 * detaching do not take it away from the callers that update the counter. */
struct sc_shared_storage {
    _Alignas(64) sc__atomic64 counter;
    _Alignas(64) struct sc_process_table processes;
};

#if defined(SC_STORAGE_MAPPING)

#include "mapping_win32.h"

static inline struct sc_shared_storage *sc__storage(void)
{
    return sc__mapped_storage;
}

#else

#include "shared_section.h"

SC_SHARED_EXTERN struct sc_shared_storage sc__section_storage;

static inline struct sc_shared_storage *sc__storage(void)
{
    return &sc__section_storage;
}

#endif

#endif /* SC_COUNTER_STORAGE_H */
