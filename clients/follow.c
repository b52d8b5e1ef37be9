/* The follower's loop and its hand-over to the view; see follow.h. */
#include "follow.h"

#include <stdlib.h>

#include "clock.h"
#include "sharedcounter.h"

struct sc_follower {
    int64_t seen;
    unsigned gap_ms;
    sc_follow_notify notify;
    void *context;
    /* The view and the thread both hold the follower; the last to let go
     * frees it. The lock makes a stop and a notify exclude each other. */
    int stopped, holders;
};

/* Lets go of the follower; frees it if nobody else holds it. Called with
 * the lock held. */
static void let_go(struct sc_follower *f)
{
    int last = --f->holders == 0;

    sc__follow_unlock();
    if (last)
        free(f);
}

/* Returns 0 once the view has stopped following. */
static int tell(struct sc_follower *f)
{
    sc__follow_lock();
    if (f->stopped) {
        let_go(f);
        return 0;
    }
    f->notify(f->context);
    sc__follow_unlock();
    return 1;
}

void sc__follow_run(struct sc_follower *f)
{
    for (;;) {
        int64_t now;
        int result = sc_wait(f->seen, SC_WAIT_FOREVER, &now);
        if (result < 0) {
            /* The system refused what sleeping on the counter needs: look
             * every gap_ms, which never fails, rather than show nothing. */
            sc__sleep_ms(f->gap_ms);
            result = sc_wait(f->seen, 0, &now);
        }
        if (result != 1)
            continue;
        if (!tell(f))
            return;
        f->seen = now;
        /* Changes in the gap wake the next sc_wait() at once. */
        sc__sleep_ms(f->gap_ms);
    }
}

struct sc_follower *sc__follow_start(int64_t seen, unsigned gap_ms,
                                     sc_follow_notify notify, void *context)
{
    struct sc_follower *f = malloc(sizeof *f);

    if (f == NULL)
        return NULL;
    *f = (struct sc_follower){seen, gap_ms, notify, context, 0, 2};
    if (sc__follow_thread(f) != 0) {
        free(f);
        return NULL;
    }
    return f;
}

void sc__follow_stop(struct sc_follower *f)
{
    sc__follow_lock();
    f->stopped = 1;
    let_go(f);
}
