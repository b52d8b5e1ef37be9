/*
 * Waiting on Windows (counter.c, "Waiting for a change"). Each process that
 * waits has a semaphore, named after the storage's waiters_id and the
 * process's owner word in the table (its id and creation time), and counts
 * its sleeping threads in its slot. A writer that finds the flag raised
 * takes each slot's count and releases that process's semaphore as many
 * times, so every sleeping thread wakes, whichever process it is in.
 *
 * WaitOnAddress would be simpler, but it wakes only the threads of the
 * process that changed the value; a window message broadcast reaches only
 * windows of one desktop. No named object outlives its process: the one
 * lasting handle to a semaphore is its waiter's, and a writer holds one for
 * the moment of its release. A waiter killed in its sleep leaves a count in
 * its slot, which the next wake takes (its open then fails), and the slot,
 * which the next sweep of the table frees.
 *
 * The names are in the session's Local\ namespace: a waiter in another
 * session (a service) cannot be woken by this session's writers, and looks
 * again every RECHECK_MS instead.
 */
#include <limits.h>

#include "counter_storage.h"

#if defined(SC_STORAGE_MAPPING)
#include "mapping_win32.h"
#endif

enum { RECHECK_MS = 1000, POLL_MS = 10, DRAIN_MS = 100, NAME_SIZE = 64 };

/* This copy of the DLL's semaphore in this process, made by its first
 * wait. */
static HANDLE semaphore;

static WCHAR *append_hex64(WCHAR *at, uint64_t value)
{
    for (int shift = 60; shift >= 0; shift -= 4)
        *at++ = L"0123456789abcdef"[(value >> shift) & 0xf];
    return at;
}

static void semaphore_name(WCHAR name[NAME_SIZE], int64_t id, int64_t owner)
{
    static const WCHAR prefix[] = L"Local\\sharedcounter-wait-";
    WCHAR *at = name;

    for (const WCHAR *p = prefix; *p != L'\0'; p++)
        *at++ = *p;
    at = append_hex64(at, (uint64_t)id);
    *at++ = L'-';
    at = append_hex64(at, (uint64_t)owner);
    *at = L'\0';
}

/* Set once per storage by its first waiter: a copy of the DLL has another
 * storage, hence other names, even for the same processes. */
static int64_t waiters_id(struct sc_shared_storage *storage)
{
    int64_t id = sc__load_acquire64(&storage->waiters_id);
    LARGE_INTEGER ticks;

    if (id != 0)
        return id;
    QueryPerformanceCounter(&ticks);
    int64_t mine = (int64_t)(((uint64_t)ticks.QuadPart * 0x9e3779b97f4a7c15u) ^
                             ((uint64_t)GetCurrentProcessId() << 32)) |
                   1;
    id = sc__compare_exchange64(&storage->waiters_id, 0, mine);
    return id != 0 ? id : mine;
}

/* The hardened build admits only the current user, as to its mapping. */
static HANDLE create_semaphore(const WCHAR *name)
{
#if defined(SC_STORAGE_MAPPING)
    union sc_user_sid user;
    struct sc_owner_only_sd sd;
    DWORD err = sc__current_user(&user);
    if (err == 0)
        err = sc__owner_only_sd(&sd, sc__user_sid(&user), SEMAPHORE_ALL_ACCESS);
    if (err != 0) {
        SetLastError(err);
        return NULL;
    }
    SECURITY_ATTRIBUTES attributes = {sizeof attributes, &sd.sd, FALSE};
    return CreateSemaphoreW(&attributes, 0, LONG_MAX, name);
#else
    return CreateSemaphoreW(NULL, 0, LONG_MAX, name);
#endif
}

static HANDLE own_semaphore(struct sc_shared_storage *storage, int64_t owner)
{
    WCHAR name[NAME_SIZE];
    HANDLE made,
        before = InterlockedCompareExchangePointer(&semaphore, NULL, NULL);

    if (before != NULL)
        return before;
    semaphore_name(name, waiters_id(storage), owner);
    made = create_semaphore(name);
    if (made == NULL)
        return NULL;
    before = InterlockedCompareExchangePointer(&semaphore, made, NULL);
    if (before == NULL)
        return made;
    CloseHandle(made);
    return before;
}

void sc__waiter_close(void)
{
    HANDLE mine = InterlockedExchangePointer(&semaphore, NULL);

    if (mine != NULL)
        CloseHandle(mine);
}

/* A process that has no slot (beyond SC_PROCESS_SLOTS) cannot be found by
 * a writer: it sleeps in short steps instead. */
int sc__waiter_arm(struct sc_waiter *waiter, struct sc_shared_storage *storage,
                   const struct sc_table_member *member)
{
    int32_t slot = member->slot;

    waiter->storage = storage;
    waiter->armed = NULL;
    waiter->semaphore = NULL;
    if (slot < 0)
        return 0;
    struct sc_process_slot *mine = &storage->processes.slots[slot];
    waiter->semaphore =
        own_semaphore(storage, sc__load_acquire64(&mine->owner));
    if (waiter->semaphore == NULL)
        return -1;
    waiter->armed = &mine->waiting;
    sc__fetch_add32(waiter->armed, 1);
    return 0;
}

/* Takes one from the count, unless a writer has taken it already. */
static BOOL take_count(sc__atomic32 *armed)
{
    int32_t n = sc__load_seq_cst32(armed);

    while (n > 0) {
        int32_t before = sc__compare_exchange32(armed, n, n - 1);
        if (before == n)
            return TRUE;
        n = before;
    }
    return FALSE;
}

/* Every thread that counted itself in takes one thing back when it stops
 * waiting: one from the count, or one release of the semaphore. A thread
 * that leaves without sleeping takes one from the count; if a writer has
 * taken the count already, it releases the semaphore for this thread too,
 * now or in a moment, and that release is taken here. Otherwise it would
 * wake a later wait for nothing, which would count itself in once more and
 * leave one more release over after the next wake, and so on. Which thread
 * of the process takes which release does not matter: counts and releases
 * stay equal to the threads counted in. A writer that died between taking
 * the count and releasing costs DRAIN_MS, once. */
void sc__waiter_disarm(struct sc_waiter *waiter)
{
    if (waiter->armed == NULL)
        return;
    for (int waited = 0; waited < DRAIN_MS; waited++) {
        if (take_count(waiter->armed) ||
            WaitForSingleObject(waiter->semaphore, 1) == WAIT_OBJECT_0)
            return;
    }
}

int sc__waiter_sleep(struct sc_waiter *waiter, uint32_t ms)
{
    if (waiter->semaphore == NULL) {
        Sleep(ms < POLL_MS ? ms : POLL_MS);
        return 0;
    }
    DWORD result = WaitForSingleObject(waiter->semaphore,
                                       ms < RECHECK_MS ? ms : RECHECK_MS);
    if (result == WAIT_OBJECT_0)
        return 0;
    sc__waiter_disarm(waiter);
    return result == WAIT_TIMEOUT ? 0 : -1;
}

void sc__waiters_wake(struct sc_shared_storage *storage)
{
    int64_t id = sc__load_acquire64(&storage->waiters_id);
    WCHAR name[NAME_SIZE];

    for (int i = 0; i < SC_PROCESS_SLOTS; i++) {
        struct sc_process_slot *slot = &storage->processes.slots[i];
        if (sc__load_seq_cst32(&slot->waiting) <= 0)
            continue;
        int32_t n = sc__exchange32(&slot->waiting, 0);
        int64_t owner = sc__load_acquire64(&slot->owner);
        if (n <= 0 || owner == 0)
            continue;
        semaphore_name(name, id, owner);
        HANDLE waiting = OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, name);
        if (waiting != NULL) {
            ReleaseSemaphore(waiting, n, NULL);
            CloseHandle(waiting);
        }
    }
}

uint64_t sc__clock_us(void)
{
    static LARGE_INTEGER frequency;
    LARGE_INTEGER now;

    if (frequency.QuadPart == 0)
        QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&now);
    return (uint64_t)(now.QuadPart / frequency.QuadPart * 1000000 +
                      now.QuadPart % frequency.QuadPart * 1000000 /
                          frequency.QuadPart);
}
