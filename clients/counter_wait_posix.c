/* counter_wait on POSIX systems; see counter_wait.h. */
#define _POSIX_C_SOURCE 200809L

#include "counter_wait.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "options.h"

uint64_t sc__wait_now_us(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
}

void sc__wait_report_failure(const char *program)
{
    sc__error(program, "cannot wait for the counter: %s", strerror(errno));
}
