/* The atomics of atomics.h with the __atomic builtins of GCC and clang. */
#ifndef SC_ATOMICS_POSIX_H
#define SC_ATOMICS_POSIX_H

#include <stdint.h>

typedef volatile int64_t sc__atomic64;
typedef volatile int32_t sc__atomic32;

/* A plain MOV on x86-64: it never takes the cache line from the writers. */
static inline int64_t sc__load_acquire64(sc__atomic64 *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
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

#endif /* SC_ATOMICS_POSIX_H */
