/*
 * Wrapping (two's-complement) arithmetic on int64_t, the one home of it for
 * the library, the clients, the benchmark and the tests: the counters wrap
 * at INT64_MAX and INT64_MIN, and so must every sum of their updates and
 * every distance between two of their values.
 *
 * The result is formed in unsigned arithmetic, which wraps without
 * undefined behaviour, the same way the counter's locked adds wrap in
 * hardware.
 */
#ifndef SC_WRAPPING_H
#define SC_WRAPPING_H

#include <stdint.h>

static inline int64_t sc__wrapping_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* Also how far the counter moved from b to a. */
static inline int64_t sc__wrapping_sub(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

static inline int64_t sc__wrapping_mul(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a * (uint64_t)b);
}

#endif /* SC_WRAPPING_H */
