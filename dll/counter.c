/* The counter's API: each function is one atomic operation. */
#include "sharedcounter.h"

#include "counter_storage.h"

/* In the section builds a constant address relative to the code, so that
 * each operation below is one locked instruction on it (counter_storage.h). */
static sc__atomic64 *counter(void)
{
    return &sc__storage()->counter;
}

/* Overflow is defined: the sum is formed in unsigned arithmetic, which wraps,
 * and the hardware's locked add wraps in the same way. */
static int64_t wrapping_sum(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* A load that writes nothing: readers polling the counter leave its cache
 * line shared instead of taking it from the writers in turn. */
int64_t sc_get(void)
{
    return sc__load_acquire64(counter());
}

/* The exported functions call this, not each other: on ELF a call to an
 * exported function goes through the PLT, since another image could
 * interpose it. */
static int64_t add_and_get(int64_t delta)
{
    return wrapping_sum(sc__fetch_add64(counter(), delta), delta);
}

int64_t sc_increment(void)
{
    return add_and_get(1);
}

int64_t sc_decrement(void)
{
    return add_and_get(-1);
}

int64_t sc_add(int64_t delta)
{
    return add_and_get(delta);
}

int64_t sc_exchange(int64_t value)
{
    return sc__exchange64(counter(), value);
}

int64_t sc_compare_exchange(int64_t expected, int64_t desired)
{
    return sc__compare_exchange64(counter(), expected, desired);
}

uint32_t sc_version(void)
{
    return SC_VERSION_HEX;
}
