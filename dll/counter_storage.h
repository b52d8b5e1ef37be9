/*
 * Where the counter and the process table live, chosen per build: the code
 * that uses them calls sc__storage() and never knows which storage it is.
 *
 * The section builds (sharedcounter.dll, libsharedcounter.so) keep the
 * storage in a variable of the image itself, at an address the linker fixes
 * relative to the code: every operation addresses the counter directly
 * (lock xadd %rax, sc__section_storage(%rip)), with no load in front of it.
 * A locked instruction is a full barrier, so such a load, waiting for the
 * previous call's update, would lengthen every call in a loop.
 *
 * The hardened build (SC_STORAGE_MAPPING) keeps a pointer to the view of its
 * named mapping, which MapViewOfFile places anywhere.
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

#if defined(SC_STORAGE_MAPPING)

/* storage_mapping.c: NULL until DllMain has mapped the view. */
extern struct sc_shared_storage *sc__mapped_storage;

static inline struct sc_shared_storage *sc__storage(void)
{
    return sc__mapped_storage;
}

#else

#include "shared_section.h"

/* storage_section.c, storage_section_posix.c. */
SC_SHARED_EXTERN struct sc_shared_storage sc__section_storage;

static inline struct sc_shared_storage *sc__storage(void)
{
    return &sc__section_storage;
}

#endif

/* This process's entry in the process table (processes.c), for the image's
 * load and unload hooks: attach once the storage is in place, detach while
 * it still is. */
void sc__processes_attach(void);
void sc__processes_detach(void);

#endif /* SC_COUNTER_STORAGE_H */
