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
#include "clock.h"
#include "process_table.h"

/* The counter has a cache line to itself, so that processes attaching and
 * detaching do not take it away from the callers that update the counter.
 * What waiting needs of every update shares that line (counter.c, "Waiting
 * for a change"). */
struct sc_shared_storage {
    _Alignas(64) sc__atomic64 counter;
    /* The waiters' word: the generation of wakes in the low half, which a
     * Linux waiter sleeps on as a futex; in the high half, the waiters that
     * armed since the last wake (SC_WAIT_ARM). */
    sc__atomic64 wait_word;
    /* Windows: a random number, set by the first waiter, in the names of
     * the waiters' events, so that copies of the DLL never meet. */
    sc__atomic64 waiters_id;
    _Alignas(64) struct sc_process_table processes;
};

/* One arm in the high half of wait_word: the generation in the low half
 * never carries into it but once per 2^32 wakes, which costs one wake. */
#define SC_WAIT_ARM ((int64_t)1 << 32)

/* The generation of a wait_word value. */
static inline uint32_t sc__wait_generation(int64_t word)
{
    return (uint32_t)word;
}

/* How many arms since the last wake a wait_word value counts. */
static inline uint32_t sc__wait_arms(int64_t word)
{
    return (uint32_t)((uint64_t)word >> 32);
}

static inline int sc__wait_armed(int64_t word)
{
    return sc__wait_arms(word) != 0;
}

/* One call of sc_wait while it may sleep (wait_win32.c, wait_posix.c). */
struct sc_waiter {
    struct sc_shared_storage *storage;
    sc__atomic32 *counted; /* Windows: the slot's count of sleepers, or NULL */
    void *node;            /* Windows: this thread in the process's list */
};

/* Makes the calling thread findable by a wake of storage, before it arms
 * the word. member is this process's place in the table. Returns 0, or -1
 * with errno or GetLastError() set. */
int sc__waiter_enter(struct sc_waiter *waiter, struct sc_shared_storage *storage,
                     const struct sc_table_member *member);

/* Undoes sc__waiter_enter, when the call returns. */
void sc__waiter_leave(struct sc_waiter *waiter);

/* Sleeps while the generation is ticket, for at most ms; it may also return
 * early for no reason. Returns 0, or -1 with errno or GetLastError() set.
 * The caller looks at the counter again either way. */
int sc__waiter_sleep(struct sc_waiter *waiter, uint32_t ticket, uint32_t ms);

/* Windows: closes what this process made for waiting when the DLL is
 * freed, so that the event's name goes with its last handle. */
void sc__waiter_close(void);

/* Wakes every thread that sleeps on storage's generation: called after the
 * generation has moved on. */
void sc__waiters_wake(struct sc_shared_storage *storage);

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
