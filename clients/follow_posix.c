/* The follower's thread and lock on POSIX systems; see follow.h. */
#include "follow.h"

#include <errno.h>
#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void sc__follow_lock(void)
{
    pthread_mutex_lock(&lock);
}

void sc__follow_unlock(void)
{
    pthread_mutex_unlock(&lock);
}

static void *thread_main(void *follower)
{
    sc__follow_run(follower);
    return NULL;
}

int sc__follow_thread(struct sc_follower *follower)
{
    pthread_t thread;
    int error = pthread_create(&thread, NULL, thread_main, follower);

    if (error != 0) {
        errno = error;
        return -1;
    }
    pthread_detach(thread);
    return 0;
}
