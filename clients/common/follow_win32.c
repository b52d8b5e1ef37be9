/* The follower's thread and lock on Windows; see follow.h. */
#include "follow.h"

#include <stdlib.h>

#include <windows.h>

struct sc__follow_lock {
    SRWLOCK srw;
};

struct sc__follow_lock *sc__follow_lock_new(void)
{
    struct sc__follow_lock *lock = malloc(sizeof *lock);

    if (lock != NULL)
        InitializeSRWLock(&lock->srw);
    else
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return lock;
}

void sc__follow_lock_free(struct sc__follow_lock *lock)
{
    free(lock);
}

void sc__follow_lock(struct sc__follow_lock *lock)
{
    AcquireSRWLockExclusive(&lock->srw);
}

void sc__follow_unlock(struct sc__follow_lock *lock)
{
    ReleaseSRWLockExclusive(&lock->srw);
}

struct start {
    void (*run)(void *arg);
    void *arg;
};

static DWORD WINAPI thread_main(void *param)
{
    struct start start = *(struct start *)param;

    free(param);
    start.run(start.arg);
    return 0;
}

int sc__follow_thread(void (*run)(void *arg), void *arg)
{
    struct start *start = malloc(sizeof *start);

    if (start == NULL) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return -1;
    }
    *start = (struct start){run, arg};
    HANDLE thread = CreateThread(NULL, 0, thread_main, start, 0, NULL);
    if (thread == NULL) {
        free(start);
        return -1;
    }
    CloseHandle(thread);
    return 0;
}
