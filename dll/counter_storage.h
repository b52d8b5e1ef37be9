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
#include "process_table.h"

/* The counter has a cache line to itself, so that processes attaching and
 * detaching do not take it away from the callers that update the counter.
 * What waiting needs of every update shares that line (counter.c, "Waiting
 * for a change"). */
struct sc_shared_storage {
    _Alignas(64) sc__atomic64 counter;
    /* Non-zero while some process may be waiting: the writer that finds it
     * set clears it and wakes the waiters. */
    sc__atomic32 waiting;
    /* Linux: the futex word the waiters sleep on; each wake adds 1. */
    sc__atomic32 wakes;
    /* Windows: a random number, set by the first waiter, in the names of
     * the waiters' semaphores, so that copies of the DLL never meet. */
    sc__atomic64 waiters_id;
    _Alignas(64) struct sc_process_table processes;
};

/* One call of sc_wait between its look at the counter and its sleep
 * (wait_win32.c, wait_posix.c). */
struct sc_waiter {
    struct sc_shared_storage *storage;
    uint32_t ticket;     /* Linux: the wakes seen before the look */
    sc__atomic32 *armed; /* Windows: the slot's count, or NULL */
    void *semaphore;     /* Windows: this process's, or NULL */
};

/* Makes the caller wakeable by the next wake of storage, before it looks
 * at the counter once more. member is this process's place in the table.
 * Returns 0, or -1 with errno or GetLastError() set. */
int sc__waiter_arm(struct sc_waiter *waiter, struct sc_shared_storage *storage,
                   const struct sc_table_member *member);

/* Undoes an arm that will not sleep. */
void sc__waiter_disarm(struct sc_waiter *waiter);

/* Sleeps until a wake since the arm, or for at most ms (SC_WAIT_FOREVER:
 * no limit); it may also return early for no reason. Returns 0, or -1
 * with errno or GetLastError() set. The caller looks at the counter again
 * either way. */
int sc__waiter_sleep(struct sc_waiter *waiter, uint32_t ms);

/* Windows: closes this process's semaphore when the DLL is freed, so that
 * its name goes with the last handle. */
void sc__waiter_close(void);

/* Wakes every waiter that armed before this call. */
void sc__waiters_wake(struct sc_shared_storage *storage);

/* Microseconds on a clock that never goes back: a wait must never end
 * early, which a clock that moves in ticks of several milliseconds could
 * make it do. */
uint64_t sc__clock_us(void);

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
