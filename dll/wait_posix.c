/* Waiting on Linux (counter.c, "Waiting for a change"): the waiters sleep on
 * the generation, the low half of their counter's waiters' word, as a futex
 * word, and a wake moves it on before it wakes them all. The storage is a
 * MAP_SHARED mapping of one object, so the kernel finds the sleepers of
 * every process by the object and offset: a process-shared futex, not
 * FUTEX_PRIVATE. A waiter killed in its sleep leaves nothing behind but, at
 * most, its arm, which the next writer lowers. */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "counter_storage.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the futex word is the low half of wait_word: little-endian only"
#endif

/* The low half of a waiters' word, where a little-endian machine keeps
 * it. */
static uint32_t *generation(sc__atomic64 *word)
{
    return (uint32_t *)(void *)word;
}

int sc__waiter_enter(struct sc_waiter *waiter,
                     struct sc_shared_storage *storage, sc__atomic64 *word,
                     const struct sc_table_member *member)
{
    (void)member;
    waiter->storage = storage;
    waiter->word = word;
    return 0;
}

void sc__waiter_leave(struct sc_waiter *waiter)
{
    (void)waiter;
}

/* The kernel compares the word with the ticket before it sleeps: a wake
 * since the arm has moved it, and the call returns EAGAIN at once. */
int sc__waiter_sleep(struct sc_waiter *waiter, uint32_t ticket, uint32_t ms)
{
    struct timespec limit = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    long result =
        syscall(SYS_futex, generation(waiter->word), FUTEX_WAIT, ticket,
                ms == SC_WAIT_FOREVER ? NULL : &limit, NULL, 0);

    if (result == 0 || errno == EAGAIN || errno == EINTR || errno == ETIMEDOUT)
        return 0;
    return -1;
}

void sc__waiters_wake(struct sc_shared_storage *storage, sc__atomic64 *word)
{
    (void)storage;
    syscall(SYS_futex, generation(word), FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void sc__set_error(enum sc_error error)
{
    errno = error == SC_ERROR_TABLE_FULL ? ENOSPC : EINVAL;
}
