/*
 * The one clock and the one sleep of the project. The library times its
 * waits with them, and every program (clients, tests, benchmark) compiles
 * the same files, clock_win32.c or clock_posix.c, through sc_common.
 */
#ifndef SC_CLOCK_H
#define SC_CLOCK_H

#include <stdint.h>

/* Nanoseconds on a clock that never goes back and that every process of
 * the machine shares (QueryPerformanceCounter, CLOCK_MONOTONIC): a wait
 * must never end early, which a clock that moves in ticks of several
 * milliseconds could make it do. */
uint64_t sc__clock_ns(void);

/* The same clock in microseconds, and in milliseconds. */
static inline uint64_t sc__clock_us(void)
{
    return sc__clock_ns() / 1000;
}

static inline uint64_t sc__clock_ms(void)
{
    return sc__clock_ns() / 1000000;
}

/* Sleeps for us microseconds; on POSIX systems a signal does not cut the
 * sleep short. Windows sleeps whole milliseconds, rounded down, and 0 only
 * gives the processor away. */
void sc__sleep_us(uint64_t us);

static inline void sc__sleep_ms(uint32_t ms)
{
    sc__sleep_us((uint64_t)ms * 1000);
}

#endif /* SC_CLOCK_H */
