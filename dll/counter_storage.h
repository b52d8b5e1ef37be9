/*
 * Where the counter and the process table live. Each build of the library
 * provides one definition of each pointer; the code that uses them never
 * knows which storage it is.
 */
#ifndef SC_COUNTER_STORAGE_H
#define SC_COUNTER_STORAGE_H

#include <stdint.h>

#include <windows.h>

#include "process_table.h"

/* The layout of the shared storage in both builds. The counter has a cache
 * line to itself, so that processes attaching and detaching do not take it
 * away from the callers that update the counter. */
struct sc_shared_storage {
    _Alignas(64) volatile LONG64 counter;
    _Alignas(64) struct sc_process_table processes;
};

extern volatile LONG64 *sc__counter;
extern struct sc_process_table *sc__process_table;

/* This process's entry in the process table (processes.c), for DllMain:
 * attach once the storage is in place, detach while it still is. */
void sc__processes_attach(void);
void sc__processes_detach(void);

/* An atomic 64-bit load with acquire ordering, which takes no lock and
 * never writes, so that readers leave the cache line shared with writers.
 *
 * GCC and clang: __atomic_load_n. On x64 it is a plain MOV: an aligned 8-byte
 * load is atomic, and x86 never reorders a load with a later load or store,
 * so every load is an acquire load; the builtin only keeps the compiler from
 * moving memory accesses across it. On 32-bit x86 it is one 8-byte x87 or
 * SSE load, atomic when aligned since the Pentium, and still no lock.
 *
 * MSVC on x64: a volatile read, which /volatile:ms (the default on x86 and
 * x64) compiles as an acquire load; mingw-w64 has no ReadAcquire64 to say so.
 *
 * Anything else, such as MSVC on 32-bit x86, where a plain 64-bit read is two
 * 32-bit loads that a writer can split: a locked compare-exchange (cmpxchg8b)
 * that never changes the value. Correct everywhere, at the price of taking
 * the cache line exclusively. */
static inline int64_t sc__load_acquire64(volatile LONG64 *p)
{
#if defined(__GNUC__)
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
#elif defined(_MSC_VER) && defined(_M_X64)
    return *p;
#else
    return InterlockedCompareExchange64(p, 0, 0);
#endif
}

#endif /* SC_COUNTER_STORAGE_H */
