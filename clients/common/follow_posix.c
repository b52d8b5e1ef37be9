/* The follower's thread and lock on POSIX systems; see follow.h. */
#define _GNU_SOURCE

#include "follow.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct sc__follow_lock {
    pthread_mutex_t mutex;
};

struct sc__follow_lock *sc__follow_lock_new(void)
{
    struct sc__follow_lock *lock = malloc(sizeof *lock);

    if (lock != NULL)
        pthread_mutex_init(&lock->mutex, NULL);
    return lock;
}

void sc__follow_lock_free(struct sc__follow_lock *lock)
{
    pthread_mutex_destroy(&lock->mutex);
    free(lock);
}

void sc__follow_lock(struct sc__follow_lock *lock)
{
    pthread_mutex_lock(&lock->mutex);
}

void sc__follow_unlock(struct sc__follow_lock *lock)
{
    pthread_mutex_unlock(&lock->mutex);
}

struct start {
    void (*run)(void *arg);
    void *arg;
};

static void *thread_main(void *param)
{
    struct start start = *(struct start *)param;

    free(param);
    start.run(start.arg);
    return NULL;
}

int sc__follow_thread(void (*run)(void *arg), void *arg)
{
    struct start *start = malloc(sizeof *start);
    pthread_t thread;

    if (start == NULL)
        return -1;
    *start = (struct start){run, arg};
    int error = pthread_create(&thread, NULL, thread_main, start);
    if (error != 0) {
        free(start);
        errno = error;
        return -1;
    }
    pthread_detach(thread);
    return 0;
}
