/*
 * The few atomic operations the library's shared storage needs, each one
 * instruction on x86: the Interlocked* functions on Windows, the __atomic
 * builtins of GCC and clang elsewhere. Both give the same names and the same
 * results: read-modify-write operations return the value before the update,
 * and all of them are sequentially consistent except the acquire load.
 */
#ifndef SC_ATOMICS_H
#define SC_ATOMICS_H

#include <stdint.h>

#if defined(_WIN32)

#include <windows.h>

typedef volatile LONG64 sc__atomic64;
typedef volatile LONG sc__atomic32;

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
static inline int64_t sc__load_acquire64(sc__atomic64 *p)
{
#if defined(__GNUC__)
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
#elif defined(_MSC_VER) && defined(_M_X64)
    return *p;
#else
    return InterlockedCompareExchange64(p, 0, 0);
#endif
}

/* Loads that take part in the total order of the locked operations: the
 * writer's look at the waiters' word after its update, and the waiter's
 * look at the counter after it has armed. On x86 every locked
 * instruction is a full barrier, so after one a plain load is enough; MSVC
 * and GCC keep their order, as the Interlocked functions are compiler
 * barriers too. */
static inline int32_t sc__load_seq_cst32(sc__atomic32 *p)
{
#if defined(__GNUC__)
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
#else
    return *p;
#endif
}

static inline int64_t sc__load_seq_cst64(sc__atomic64 *p)
{
#if defined(__GNUC__)
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
#elif defined(_MSC_VER) && defined(_M_X64)
    return *p;
#else
    return InterlockedCompareExchange64(p, 0, 0);
#endif
}

/* A pause in a spin loop: it tells the core that the loop only waits, so
 * that it yields to its hyperthread sibling and leaves the loop without a
 * memory-order flush when the value changes. */
static inline void sc__cpu_relax(void)
{
    YieldProcessor();
}

static inline int64_t sc__fetch_add64(sc__atomic64 *p, int64_t delta)
{
    return InterlockedExchangeAdd64(p, delta);
}

static inline int64_t sc__exchange64(sc__atomic64 *p, int64_t value)
{
    return InterlockedExchange64(p, value);
}

static inline int64_t sc__compare_exchange64(sc__atomic64 *p, int64_t expected,
                                             int64_t desired)
{
    return InterlockedCompareExchange64(p, desired, expected);
}

static inline int32_t sc__fetch_add32(sc__atomic32 *p, int32_t delta)
{
    return InterlockedExchangeAdd(p, delta);
}

static inline int32_t sc__exchange32(sc__atomic32 *p, int32_t value)
{
    return InterlockedExchange(p, value);
}

static inline int32_t sc__compare_exchange32(sc__atomic32 *p, int32_t expected,
                                             int32_t desired)
{
    return InterlockedCompareExchange(p, desired, expected);
}

#else /* the __atomic builtins */

typedef volatile int64_t sc__atomic64;
typedef volatile int32_t sc__atomic32;

/* A plain MOV on x86-64: it never takes the cache line from the writers. */
static inline int64_t sc__load_acquire64(sc__atomic64 *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* On x86-64 a plain MOV too: the locked operations before them are the
 * barriers (see the Windows half). */
static inline int32_t sc__load_seq_cst32(sc__atomic32 *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static inline int64_t sc__load_seq_cst64(sc__atomic64 *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static inline void sc__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline int64_t sc__fetch_add64(sc__atomic64 *p, int64_t delta)
{
    return __atomic_fetch_add(p, delta, __ATOMIC_SEQ_CST);
}

static inline int64_t sc__exchange64(sc__atomic64 *p, int64_t value)
{
    return __atomic_exchange_n(p, value, __ATOMIC_SEQ_CST);
}

static inline int64_t sc__compare_exchange64(sc__atomic64 *p, int64_t expected,
                                             int64_t desired)
{
    __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return expected;
}

static inline int32_t sc__fetch_add32(sc__atomic32 *p, int32_t delta)
{
    return __atomic_fetch_add(p, delta, __ATOMIC_SEQ_CST);
}

static inline int32_t sc__exchange32(sc__atomic32 *p, int32_t value)
{
    return __atomic_exchange_n(p, value, __ATOMIC_SEQ_CST);
}

static inline int32_t sc__compare_exchange32(sc__atomic32 *p, int32_t expected,
                                             int32_t desired)
{
    __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return expected;
}

#endif

#endif /* SC_ATOMICS_H */
