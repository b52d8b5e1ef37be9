/*
 * The one clock and the one sleep of the project. The library times its
 * waits with them, and every program (clients, tests, benchmark) compiles
 * the same files, clock_win32.c or clock_posix.c, through sc_common.
 */
#ifndef SC_CLOCK_H
#define SC_CLOCK_H

#include <stdint.h>

/* Microseconds on a clock that never goes back (QueryPerformanceCounter,
 * CLOCK_MONOTONIC): a wait must never end early, which a clock that moves
 * in ticks of several milliseconds could make it do. */
uint64_t sc__clock_us(void);

/* The same clock in milliseconds. */
static inline uint64_t sc__clock_ms(void)
{
    return sc__clock_us() / 1000;
}

/* Sleeps for ms milliseconds; on POSIX systems a signal does not cut the
 * sleep short. */
void sc__sleep_ms(uint32_t ms);

#endif /* SC_CLOCK_H */
