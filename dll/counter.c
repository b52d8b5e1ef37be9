/*
 * The library's exported functions and the shared storage they work on:
 * the counter operations, each one atomic operation; sc_processes(), which
 * reads the table of the processes that have the image loaded; and the
 * image's load and unload hooks, which enter this process into that table
 * and take it out again.
 */
#include <stdbool.h>
#include <stddef.h>

#if !defined(_WIN32)
#include <pthread.h>
#endif

#include "sharedcounter.h"

#include "counter_storage.h"
#include "wrapping.h"

#if !defined(SC_STORAGE_MAPPING)
/* The section builds keep the counter and the process table in the image's
 * own shared section: ".shared" on Windows (shared_section.h). Only values
 * live there, never a pointer: the image may sit at another address in each
 * process, and the code reaches the variable relative to itself wherever it
 * is. */
SC_SHARED_BEGIN
SC_SHARED struct sc_shared_storage sc__section_storage = {0};
SC_SHARED_END
#endif

/* ---- The counter ------------------------------------------------------- */

/* In the section builds a constant address relative to the code, so that
 * each operation below is one locked instruction on it (counter_storage.h). */
static sc__atomic64 *counter(void)
{
    return &sc__storage()->counter;
}

/* A load that writes nothing: readers polling the counter leave its cache
 * line shared instead of taking it from the writers in turn. */
int64_t sc_get(void)
{
    return sc__load_acquire64(counter());
}

static void wake_waiters(void)
{
    struct sc_shared_storage *storage = sc__storage();

    sc__wake_waiters(storage, &storage->wait_word);
}

/* The exported functions call this, not each other: on ELF a call to an
 * exported function goes through the PLT, since another image could
 * interpose it. */
static int64_t add_and_get(int64_t delta)
{
    int64_t before = sc__fetch_add64(counter(), delta);

    if (delta != 0)
        wake_waiters();
    /* The locked add wraps, and so does this sum (wrapping.h). */
    return sc__wrapping_add(before, delta);
}

int64_t sc_increment(void)
{
    return add_and_get(1);
}

int64_t sc_decrement(void)
{
    return add_and_get(-1);
}

int64_t sc_add(int64_t delta)
{
    return add_and_get(delta);
}

int64_t sc_exchange(int64_t value)
{
    int64_t before = sc__exchange64(counter(), value);

    if (before != value)
        wake_waiters();
    return before;
}

int64_t sc_compare_exchange(int64_t expected, int64_t desired)
{
    int64_t before = sc__compare_exchange64(counter(), expected, desired);

    if (before == expected && expected != desired)
        wake_waiters();
    return before;
}

uint32_t sc_version(void)
{
    return SC_VERSION_HEX;
}

/* ---- The process table ------------------------------------------------- */

/* This process's entry in the table (process_table.h). */
static struct sc_table_member self = {{0, 0}, -1};

static struct sc_process_table *table(void)
{
    return &sc__storage()->processes;
}

uint32_t sc_processes(uint32_t *pids, uint32_t capacity)
{
    return sc__table_list(table(), &self, pids, pids != NULL ? capacity : 0);
}

int64_t sc__self_owner(void)
{
    struct sc_process_id id = self.id;

    if (id.pid == 0)
        id = (struct sc_process_id){sc__process_pid(), 0};
    return sc__owner_word(&id);
}

/* Once the storage is in place. GetProcessTimes on the current process
 * touches no other module and takes no lock: safe under the loader lock.
 * Should it fail all the same, the process is counted in the overflow rather
 * than refused the DLL. A fork child comes here with its parent's entry,
 * which is not its own to keep or to give back. */
static void enter_table(bool take_over)
{
    self.slot = -1;
    if (sc__process_self(&self.id) == 0) {
        if (!take_over || !sc__table_take_over(table(), &self))
            sc__table_join(table(), &self);
    } else {
        self.id = (struct sc_process_id){0, 0};
        sc__fetch_add32(&table()->overflow, 1);
    }
}

static void processes_attach(void)
{
    enter_table(false);
}

/* At process exit as on FreeLibrary: the storage is still mapped. */
static void processes_detach(void)
{
    sc__table_leave(table(), &self);
}

/* ---- Waiting for a change ---------------------------------------------- */

/* An event count in one word, wait_word: a generation of wakes in its low
 * half, and in its high half the number of waiters that armed since the
 * last wake.
 *
 * A waiter enters (its platform half makes it findable by a wake), arms
 * with one locked add to the high half, which also reads the generation it
 * will sleep on, and only then looks at the counter again. A writer updates
 * the counter, and only then looks at the word. Both the arm and the update
 * are locked instructions, full barriers, so at least one side sees the
 * other: the waiter sees the new value and does not sleep, or the writer
 * sees the arm, moves the generation on and wakes it.
 *
 * The writer lowers the arms last, and only when the word is still what its
 * own move made it: a waiter that armed in between changed the word, so its
 * arm stays for the next writer. A writer stopped or killed at any point
 * therefore leaves the arms raised, and the next writer wakes the sleepers
 * again: no writer can cost a waiter a wake-up that a later update makes.
 * Its own update, if nobody writes after it, the sleepers find when they
 * look again (RECHECK_MS). */

/* Longest sleep between two looks at the counter, in milliseconds: what a
 * change that comes with no wake (a writer killed between its update and its
 * wake; on Windows, a writer that may not open the waiter's event) waits to
 * be seen. Every other change wakes the waiters at once. */
enum { RECHECK_MS = 1000 };

void sc__wake_armed(struct sc_shared_storage *storage, sc__atomic64 *word)
{
    int64_t moved = sc__fetch_add64(word, 1) + 1;

    sc__pause_before_wake();
    sc__waiters_wake(storage, word);
    sc__compare_exchange64(word, moved, (int64_t)sc__wait_generation(moved));
}

static int wait_result(int64_t *now, int64_t value, int result)
{
    if (now != NULL)
        *now = value;
    return result;
}

/* What is left of timeout_ms since start, in milliseconds rounded up, so
 * that a sleep never ends before the time is up. */
static uint32_t time_left(uint64_t start_us, uint32_t timeout_ms)
{
    if (timeout_ms == SC_WAIT_FOREVER)
        return SC_WAIT_FOREVER;
    uint64_t elapsed = sc__clock_us() - start_us;
    uint64_t limit = (uint64_t)timeout_ms * 1000;
    return elapsed >= limit ? 0 : (uint32_t)((limit - elapsed + 999) / 1000);
}

/* How long a waiter looks before it arms, in microseconds. */
enum { SPIN_US = 20 };

/* A writer that is still writing changes the counter within far less than
 * SPIN_US. Looking for that a little before arming spares the writer a
 * wake, which a waiter in a loop would otherwise make it pay on nearly
 * every turn: a futex call on Linux, several calls to the server under
 * Wine, and in the time they take the counter stands still, so the waiter
 * arms again. Returns whether the counter changed. */
static int changes_soon(sc__atomic64 *counter, int64_t seen, int64_t *value)
{
    uint64_t start = sc__clock_us();

    for (unsigned i = 1;; i++) {
        sc__cpu_relax();
        *value = sc__load_acquire64(counter);
        if (*value != seen)
            return 1;
        if (i % 64 == 0 && sc__clock_us() - start >= SPIN_US)
            return 0;
    }
}

/* One call's state across its sleeps: while the generation is still the
 * one it armed on, no wake has lowered its arm, so a call that looks again
 * after RECHECK_MS sleeps on without arming anew. */
struct wait_call {
    struct sc_waiter waiter;
    int entered;
    int armed;
    uint32_t ticket;
};

static int arm(struct wait_call *call, sc__atomic64 *word)
{
    if (!call->entered) {
        if (sc__waiter_enter(&call->waiter, sc__storage(), word, &self) != 0)
            return -1;
        call->entered = 1;
    }
    if (!call->armed ||
        sc__wait_generation(sc__load_seq_cst64(word)) != call->ticket) {
        call->ticket = sc__wait_generation(sc__fetch_add64(word, SC_WAIT_ARM));
        call->armed = 1;
    }
    return 0;
}

static int end_wait(struct wait_call *call, int64_t *now, int64_t value,
                    int result)
{
    if (call->entered)
        sc__waiter_leave(&call->waiter);
    return wait_result(now, value, result);
}

int sc__wait_for_change(sc__atomic64 *counter, sc__atomic64 *word, int64_t seen,
                        uint32_t timeout_ms, int64_t *now)
{
    uint64_t start = timeout_ms == SC_WAIT_FOREVER ? 0 : sc__clock_us();
    struct wait_call call = {.entered = 0, .armed = 0};

    for (;;) {
        int64_t value = sc__load_acquire64(counter);
        if (value != seen)
            return end_wait(&call, now, value, 1);
        uint32_t left = time_left(start, timeout_ms);
        if (left == 0)
            return end_wait(&call, now, value, 0);
        if (changes_soon(counter, seen, &value))
            return end_wait(&call, now, value, 1);
        if (arm(&call, word) != 0)
            return end_wait(&call, now, value, -1);
        value = sc__load_seq_cst64(counter);
        if (value != seen)
            return end_wait(&call, now, value, 1);
        if (sc__waiter_sleep(&call.waiter, call.ticket,
                             left < RECHECK_MS ? left : RECHECK_MS) != 0)
            return end_wait(&call, now, value, -1);
    }
}

int sc_wait(int64_t seen, uint32_t timeout_ms, int64_t *now)
{
    struct sc_shared_storage *storage = sc__storage();

    return sc__wait_for_change(&storage->counter, &storage->wait_word, seen,
                               timeout_ms, now);
}

/* ---- Loading and unloading --------------------------------------------- */

#if defined(SC_STORAGE_MAPPING)

/* sharedcounter_hardened.dll maps its storage (mapping_win32.c) before the
 * process enters the table, and before any call can use it. */
BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        if (!sc__mapping_open(instance))
            return FALSE;
        processes_attach();
        return TRUE;
    }
    /* A failed attach also arrives here, with nothing to give back. */
    if (reason != DLL_PROCESS_DETACH || sc__mapped_storage == NULL)
        return TRUE;
    processes_detach();
    /* On FreeLibrary (reserved == NULL) give the view and handle back; at
     * process exit the system tears everything down. */
    if (reserved == NULL) {
        sc__waiter_close();
        sc__mapping_close();
    }
    return TRUE;
}

#elif defined(_WIN32)

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void)instance;
    if (reason == DLL_PROCESS_ATTACH) {
        processes_attach();
    } else if (reason == DLL_PROCESS_DETACH) {
        processes_detach();
        /* On FreeLibrary; at process exit the system closes it. */
        if (reserved == NULL)
            sc__waiter_close();
    }
    return TRUE;
}

#else

/* After the constructor of shared_section_posix.c, which has priority 101
 * and so has laid the shared-memory object over the section already. The
 * image may be a process's new one after exec(), which takes over the slot
 * of the one before. A fork child is a process of its own in the table; the
 * parent keeps its slot. This fork handler runs after the section's,
 * registered first. */
__attribute__((constructor)) static void load(void)
{
    enter_table(true);
    pthread_atfork(NULL, NULL, processes_attach);
}

__attribute__((destructor)) static void unload(void)
{
    processes_detach();
}

#endif
