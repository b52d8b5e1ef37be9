/*
 * counter_wait: the loop around sc_wait() and the command line are
 * counter_wait.c; the clock and the text of a system error are the
 * platform's, counter_wait_win32.c and counter_wait_posix.c.
 */
#ifndef SC_COUNTER_WAIT_H
#define SC_COUNTER_WAIT_H

#include <stdint.h>

/* Microseconds on a clock that only moves forward, fine enough that a
 * timeout measured with it never ends early (a clock that moves in ticks of
 * several milliseconds could make it). */
uint64_t sc__wait_now_us(void);

/* Reports "<program>: cannot wait for the counter: <why>", the reason taken
 * from the error of the failed sc_wait() (GetLastError(), errno). */
void sc__wait_report_failure(const char *program);

#endif /* SC_COUNTER_WAIT_H */
