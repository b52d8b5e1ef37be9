/*
 * Two's-complement arithmetic on int64_t without undefined behaviour: the
 * result is formed in unsigned arithmetic, which wraps, the same way the
 * counters' locked adds wrap in hardware.
 */
#ifndef SC_WRAPPING_H
#define SC_WRAPPING_H

#include <stdint.h>

static inline int64_t sc__wrapping_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t sc__wrapping_mul(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a * (uint64_t)b);
}

#endif /* SC_WRAPPING_H */
