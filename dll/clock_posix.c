/* The clock and the sleep on POSIX systems; see clock.h. */
#define _GNU_SOURCE

#include "clock.h"

#include <errno.h>
#include <time.h>

uint64_t sc__clock_ns(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
}

void sc__sleep_us(uint64_t us)
{
    struct timespec left = {(time_t)(us / 1000000),
                            (long)(us % 1000000) * 1000};

    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        continue;
}
