/* The follower's thread and lock on Windows; see follow.h. */
#include "follow.h"

#include <windows.h>

static SRWLOCK lock = SRWLOCK_INIT;

void sc__follow_lock(void)
{
    AcquireSRWLockExclusive(&lock);
}

void sc__follow_unlock(void)
{
    ReleaseSRWLockExclusive(&lock);
}

static DWORD WINAPI thread_main(void *follower)
{
    sc__follow_run(follower);
    return 0;
}

int sc__follow_thread(struct sc_follower *follower)
{
    HANDLE thread = CreateThread(NULL, 0, thread_main, follower, 0, NULL);

    if (thread == NULL)
        return -1;
    CloseHandle(thread);
    return 0;
}
