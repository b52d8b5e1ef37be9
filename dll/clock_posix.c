/* The clock and the sleep on POSIX systems; see clock.h. */
#define _GNU_SOURCE

#include "clock.h"

#include <errno.h>
#include <time.h>

uint64_t sc__clock_us(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
}

void sc__sleep_ms(uint32_t ms)
{
    struct timespec left = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        continue;
}
