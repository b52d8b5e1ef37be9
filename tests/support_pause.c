/*
 * The pauses of the test-only sharedcounter_paused build (SC_TEST_PAUSES,
 * dll/counter_storage.h). A process whose environment names a pause says
 * "paused" on stdout when it gets there and stops, as a debugger or SIGSTOP
 * could stop it, until the test kills it:
 * - SC_TEST_PAUSE_BEFORE_WAKE: a writer that finds waiters to wake, between
 *   its update and its wake (dll/counter.c); test_wait.c shows that no
 *   waiter depends on it meanwhile;
 * - SC_TEST_PAUSE_BEFORE_PUBLISH: an opener of a new name, between its
 *   claim of the slot and the slot's publication (dll/named_counters.c);
 *   test_named.c shows that the next opener takes the slot over once the
 *   process is gone.
 */
#if defined(_WIN32)
#include <windows.h>
#else
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#endif

void sc__pause_before_wake(void);
void sc__pause_before_publish(void);

static const char said[] = "paused\n";

#if defined(_WIN32)

/* The process environment, not the C library's copy of it, which a test
 * that sets the variable for its children does not change. */
static void pause_if(const char *variable)
{
    DWORD wrote;

    if (GetEnvironmentVariableA(variable, NULL, 0) == 0)
        return;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), said, sizeof said - 1, &wrote,
              NULL);
    SuspendThread(GetCurrentThread());
}

#else

static void pause_if(const char *variable)
{
    if (getenv(variable) == NULL)
        return;
    if (write(STDOUT_FILENO, said, sizeof said - 1) < 0)
        return;
    raise(SIGSTOP);
}

#endif

void sc__pause_before_wake(void)
{
    pause_if("SC_TEST_PAUSE_BEFORE_WAKE");
}

void sc__pause_before_publish(void)
{
    pause_if("SC_TEST_PAUSE_BEFORE_PUBLISH");
}
