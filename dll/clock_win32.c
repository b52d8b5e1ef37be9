/* The clock and the sleep on Windows; see clock.h. */
#include "clock.h"

#include <windows.h>

uint64_t sc__clock_ns(void)
{
    static LARGE_INTEGER frequency;
    LARGE_INTEGER now;

    if (frequency.QuadPart == 0)
        QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&now);
    /* Whole seconds and the rest apart, so that the product cannot
     * overflow after days of uptime. */
    return (uint64_t)(now.QuadPart / frequency.QuadPart * 1000000000 +
                      now.QuadPart % frequency.QuadPart * 1000000000 /
                          frequency.QuadPart);
}

void sc__sleep_us(uint64_t us)
{
    Sleep((DWORD)(us / 1000));
}
