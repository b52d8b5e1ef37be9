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

/* A named counter (named_counters.c): its value, its waiters' word (as the
 * default counter's) and the state of its slot, on a cache line of its
 * own, so that updates of two counters never contend. The state is written
 * only while the slot is claimed, and read by every operation on the same
 * line as the value it then updates. */
struct sc_named_counter {
    _Alignas(64) sc__atomic64 value;
    sc__atomic64 wait_word;
    /* 0: free; SC_COUNTER_READY: in use, its name published; otherwise the
     * owner word (process_table.h) of the process that is claiming it. */
    sc__atomic64 state;
};

/* No owner word is this one: its process id, the low half, is 0. */
#define SC_COUNTER_READY ((int64_t)1 << 32)

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
    struct sc_named_counter named[SC_COUNTERS];
    /* The names of the named counters, apart from the values: written once
     * per counter, read by the lookups and listings, so that they never
     * take a value's cache line from its writers. */
    char names[SC_COUNTERS][SC_NAME_MAX + 1];
};

/* The test-only sharedcounter_paused build (SC_TEST_PAUSES) can stop a
 * process at the worst moments for the others (tests/support_pause.c): a
 * writer between its update and its wake (counter.c), and an opener
 * between its claim of a slot and the slot's publication
 * (named_counters.c). Every other build compiles them to nothing. */
#if defined(SC_TEST_PAUSES)
void sc__pause_before_wake(void);
void sc__pause_before_publish(void);
#else
static inline void sc__pause_before_wake(void)
{
}
static inline void sc__pause_before_publish(void)
{
}
#endif

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

/* One call of a wait while it may sleep (wait_win32.c, wait_posix.c). */
struct sc_waiter {
    struct sc_shared_storage *storage;
    sc__atomic64 *word;    /* the waiters' word of the counter it waits on */
    sc__atomic32 *counted; /* Windows: the slot's count of sleepers, or NULL */
    void *node;            /* Windows: this thread in the process's list */
};

/* Makes the calling thread findable by a wake of word, a waiters' word of
 * storage, before it arms the word. member is this process's place in the
 * table. Returns 0, or -1 with errno or GetLastError() set. */
int sc__waiter_enter(struct sc_waiter *waiter,
                     struct sc_shared_storage *storage, sc__atomic64 *word,
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

/* Wakes every thread that sleeps on the generation of word, a waiters'
 * word of storage: called after the generation has moved on. */
void sc__waiters_wake(struct sc_shared_storage *storage, sc__atomic64 *word);

/* Waits, as sc_wait() does, until value differs from seen, with word as its
 * waiters' word (counter.c). */
int sc__wait_for_change(sc__atomic64 *value, sc__atomic64 *word, int64_t seen,
                        uint32_t timeout_ms, int64_t *now);

/* Moves the generation of word on, wakes its sleepers, and only then lowers
 * the arms, if no waiter has armed since the move (counter.c). Out of line,
 * so that what every update runs stays one load and a branch, inlined:
 * only a writer that finds waiters armed calls it. */
#if defined(_MSC_VER)
__declspec(noinline)
#else
__attribute__((noinline, cold))
#endif
    void sc__wake_armed(struct sc_shared_storage *storage, sc__atomic64 *word);

/* What every update runs after its locked instruction, which has taken the
 * value's cache line: one plain load of the waiters' word on that same
 * line. Only a writer that finds waiters armed pays for a wake. The
 * test-only sharedcounter_nowake build (SC_SKIP_WAKE) leaves it out, to
 * show that the tests catch a lost wake-up. */
static inline void sc__wake_waiters(struct sc_shared_storage *storage,
                                    sc__atomic64 *word)
{
#if defined(SC_SKIP_WAKE)
    (void)storage;
    (void)word;
#else
    if (sc__wait_armed(sc__load_seq_cst64(word)))
        sc__wake_armed(storage, word);
#endif
}

/* The calling process's owner word (process_table.h), which a claim of a
 * named counter's slot holds (counter.c). */
int64_t sc__self_owner(void);

/* The API's failures that set errno or GetLastError(). */
enum sc_error {
    SC_ERROR_INVALID_NAME, /* EINVAL; ERROR_INVALID_NAME */
    SC_ERROR_TABLE_FULL,   /* ENOSPC; ERROR_DISK_FULL */
    SC_ERROR_INVALID_ID,   /* EINVAL; ERROR_INVALID_PARAMETER */
};

/* Sets errno (wait_posix.c) or the last error (wait_win32.c). */
void sc__set_error(enum sc_error error);

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
