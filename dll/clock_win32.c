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
    uint64_t ticks = (uint64_t)now.QuadPart, hz = (uint64_t)frequency.QuadPart;
    /* Whole seconds and the rest apart, so that no product overflows after
     * days of uptime. The rest times 10^9 fits while the frequency is below
     * 18 GHz; the usual 10 MHz needs no more than one multiplication. */
    if (1000000000 % hz == 0)
        return ticks * (1000000000 / hz);
    return ticks / hz * 1000000000 + ticks % hz * 1000000000 / hz;
}

void sc__sleep_us(uint64_t us)
{
    uint64_t ms = us / 1000;

    /* INFINITE is 0xFFFFFFFF: a longer sleep is clamped below it. */
    Sleep(ms < INFINITE ? (DWORD)ms : INFINITE - 1);
}
