/* The clock and the sleep on Windows; see clock.h. */
#include "clock.h"

#include <windows.h>

uint64_t sc__clock_us(void)
{
    static LARGE_INTEGER frequency;
    LARGE_INTEGER now;

    if (frequency.QuadPart == 0)
        QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&now);
    return (uint64_t)(now.QuadPart / frequency.QuadPart * 1000000 +
                      now.QuadPart % frequency.QuadPart * 1000000 /
                          frequency.QuadPart);
}

void sc__sleep_ms(uint32_t ms)
{
    Sleep(ms);
}
