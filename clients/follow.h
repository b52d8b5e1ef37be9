/*
 * A thread that waits on the library's counter for a live view that cannot
 * block in sc_wait() itself: a window must keep pumping its messages, a
 * console view must keep reading keys. The thread sleeps in sc_wait() and
 * calls the view's notify after each change, then lets gap_ms pass before
 * it tells of the next one: a counter that changes all the time is shown
 * at that rate, one that does not change costs no CPU time at all.
 */
#ifndef SC_FOLLOW_H
#define SC_FOLLOW_H

#include <stdint.h>

/* Called on the follower's thread: it should only hand the news over to
 * the view (post a message, write to a pipe, set an event). The view reads
 * the value itself when it draws, so that it shows the newest one. */
typedef void (*sc_follow_notify)(void *context);

struct sc_follower;

/* Starts following from the value seen. Returns NULL when there is no
 * memory or no thread for it. Should sc_wait() ever fail, the thread looks
 * at the counter every gap_ms instead. */
struct sc_follower *sc__follow_start(int64_t seen, unsigned gap_ms,
                                     sc_follow_notify notify, void *context);

/* Once it returns, notify is never called again. Nothing can end a
 * sc_wait() early, so the thread itself stays asleep until the next change
 * or the end of the process; it frees what it holds when it wakes. */
void sc__follow_stop(struct sc_follower *follower);

/* ---- the platform's part: follow_win32.c, follow_posix.c ---------------- */

/* One lock for every follower of the process: what it guards is brief, and
 * a process has one follower, two at most. */
void sc__follow_lock(void);
void sc__follow_unlock(void);

/* Runs sc__follow_run(follower) on a detached thread; returns 0, or -1 with
 * errno or GetLastError() set. */
int sc__follow_thread(struct sc_follower *follower);

/* The thread's loop (follow.c). */
void sc__follow_run(struct sc_follower *follower);

#endif /* SC_FOLLOW_H */
