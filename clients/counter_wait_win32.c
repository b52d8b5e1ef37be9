/* counter_wait on Windows; see counter_wait.h. */
#include "counter_wait.h"

#include <windows.h>

#include "options.h"

uint64_t sc__wait_now_us(void)
{
    LARGE_INTEGER frequency, now;

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&now);
    return (uint64_t)(now.QuadPart / frequency.QuadPart * 1000000 +
                      now.QuadPart % frequency.QuadPart * 1000000 /
                          frequency.QuadPart);
}

void sc__wait_report_failure(const char *program)
{
    char why[300];

    sc__error(program, "cannot wait for the counter: %s",
              sc__win32_message(GetLastError(), why, sizeof why));
}
