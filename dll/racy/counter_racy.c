/*
 * A deliberately broken build of the API, for the tests only: every update
 * is a plain read, add and write of the shared value, with no Interlocked
 * operation. Two callers that read the same value both write the same
 * result, and one update is lost. The tests run their exact-total and
 * linearizability checks against it to show that those checks can fail.
 * Everything else, the shared section and the process table included, is
 * counter.c's, built with SC_RACY.
 */
#include "sharedcounter.h"

#include "counter_storage.h"

static sc__atomic64 *counter(void)
{
    return &sc__storage()->counter;
}

/* The plain += itself, in unsigned arithmetic so that only the race, and no
 * signed overflow, is wrong here. On one value in 64 the caller gives up its
 * time slice between the read and the write, as a thread preempted there
 * would: the race then shows however few cores the tests get, not only when
 * two threads happen to run at the same instant. */
static int64_t add_unlocked(int64_t delta)
{
    int64_t old = *counter();
    if ((old & 63) == 0)
        SwitchToThread();
    int64_t sum = (int64_t)((uint64_t)old + (uint64_t)delta);
    *counter() = sum;
    return sum;
}

int64_t sc_get(void)
{
    return *counter();
}

int64_t sc_increment(void)
{
    return add_unlocked(1);
}

int64_t sc_decrement(void)
{
    return add_unlocked(-1);
}

int64_t sc_add(int64_t delta)
{
    return add_unlocked(delta);
}

int64_t sc_exchange(int64_t value)
{
    int64_t old = *counter();
    *counter() = value;
    return old;
}

int64_t sc_compare_exchange(int64_t expected, int64_t desired)
{
    int64_t old = *counter();
    if (old == expected)
        *counter() = desired;
    return old;
}
