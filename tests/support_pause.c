/*
 * The pause of the test-only sharedcounter_paused build: a writer that
 * finds waiters to wake calls this between its update and its wake
 * (dll/counter.c). With SC_TEST_PAUSE_BEFORE_WAKE set in its environment,
 * it says "paused" on stdout and stops there, as a debugger or SIGSTOP
 * could stop it, until the test kills it; test_wait.c shows that no waiter
 * depends on it meanwhile.
 */
#if defined(_WIN32)
#include <windows.h>
#else
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#endif

void sc__pause_before_wake(void);

static const char said[] = "paused\n";

#if defined(_WIN32)

/* The process environment, not the C library's copy of it, which a test
 * that sets the variable for its children does not change. */
void sc__pause_before_wake(void)
{
    DWORD wrote;

    if (GetEnvironmentVariableA("SC_TEST_PAUSE_BEFORE_WAKE", NULL, 0) == 0)
        return;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), said, sizeof said - 1, &wrote,
              NULL);
    SuspendThread(GetCurrentThread());
}

#else

void sc__pause_before_wake(void)
{
    if (getenv("SC_TEST_PAUSE_BEFORE_WAKE") == NULL)
        return;
    if (write(STDOUT_FILENO, said, sizeof said - 1) < 0)
        return;
    raise(SIGSTOP);
}

#endif
