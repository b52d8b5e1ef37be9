/*
 * The few atomic operations the library's shared storage needs, each one
 * instruction on x86: Interlocked* on Windows (atomics_win32.h), the GCC/C11
 * __atomic builtins elsewhere (atomics_posix.h). Both headers give the same
 * names and the same results: read-modify-write operations return the value
 * before the update, and all of them are sequentially consistent except the
 * acquire load.
 */
#ifndef SC_ATOMICS_H
#define SC_ATOMICS_H

#if defined(_WIN32)
#include "atomics_win32.h"
#else
#include "atomics_posix.h"
#endif

#endif /* SC_ATOMICS_H */
