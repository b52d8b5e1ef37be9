/*
 * Waiting on Windows (counter.c, "Waiting for a change"). WaitOnAddress
 * wakes only the threads of the writer's own process, and a window message
 * broadcast only windows of one desktop, so each process that waits has a
 * doorbell: a named auto-reset event, named after the storage's waiters_id
 * and the process's owner word in the table (its id and creation time). Its
 * slot counts its threads in sc_wait. A writer that has moved the
 * generation on rings the doorbell of every process whose slot counts any.
 *
 * Inside the process, each thread in sc_wait sleeps on the doorbell and on
 * an event of its own. The doorbell wakes one of them, which sets the event
 * of every other: no thread can take a wake meant for a sibling, and each
 * compares the generation with the ticket it armed on, so a thread that
 * armed after the wake simply sleeps again. Nothing a waiter leaves behind
 * needs taking back: a doorbell that rings when its threads have already
 * gone costs the next wait of that process one extra look.
 *
 * No named object outlives its process: the one lasting handle to a
 * doorbell is its process's, and a writer holds one for the moment of its
 * SetEvent. A waiter killed in its sleep leaves a count in its slot, which
 * the next process to claim the slot clears; until then writers find its
 * doorbell gone.
 *
 * The names are in the session's Local\ namespace: a waiter in another
 * session (a service) cannot be woken by this session's writers, and sees
 * their changes when it looks again (RECHECK_MS in counter.c).
 */
#include <limits.h>

#include "counter_storage.h"

#if defined(SC_STORAGE_MAPPING)
#include "mapping_win32.h"
#endif

/* How often a process without a slot, which no writer can find, looks. */
enum { POLL_MS = 10, NAME_SIZE = 64 };

/* A thread of this process in sc_wait, or a spare event kept for the
 * next. */
struct thread_waiter {
    HANDLE event; /* auto-reset, unnamed: this process's alone */
    struct thread_waiter *next;
};

/* This copy of the DLL's doorbell in this process, made by its first
 * wait, and its waiting threads. */
static HANDLE doorbell;
static SRWLOCK list_lock = SRWLOCK_INIT;
static struct thread_waiter *in_wait;
static struct thread_waiter *spare;

static WCHAR *append_hex64(WCHAR *at, uint64_t value)
{
    for (int shift = 60; shift >= 0; shift -= 4)
        *at++ = L"0123456789abcdef"[(value >> shift) & 0xf];
    return at;
}

static void doorbell_name(WCHAR name[NAME_SIZE], int64_t id, int64_t owner)
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

#if defined(SC_STORAGE_MAPPING)

/* The hardened build admits only the current user, and, as for its
 * mapping, trusts an event of that name that was there already only if it
 * carries the same descriptor. */
static HANDLE create_doorbell(const WCHAR *name)
{
    union sc_user_sid user;
    struct sc_owner_only_sd sd;
    DWORD err = sc__current_user(&user);

    if (err == 0)
        err = sc__owner_only_sd(&sd, sc__user_sid(&user), EVENT_ALL_ACCESS);
    if (err != 0) {
        SetLastError(err);
        return NULL;
    }
    SECURITY_ATTRIBUTES attributes = {sizeof attributes, &sd.sd, FALSE};
    HANDLE made = CreateEventW(&attributes, FALSE, FALSE, name);
    if (made == NULL)
        return NULL;
    err = sc__check_owner_only(made, sc__user_sid(&user));
    if (err != 0) {
        CloseHandle(made);
        SetLastError(err);
        return NULL;
    }
    return made;
}

#else

static HANDLE create_doorbell(const WCHAR *name)
{
    return CreateEventW(NULL, FALSE, FALSE, name);
}

#endif

static HANDLE own_doorbell(struct sc_shared_storage *storage, int64_t owner)
{
    WCHAR name[NAME_SIZE];
    HANDLE made,
        before = InterlockedCompareExchangePointer(&doorbell, NULL, NULL);

    if (before != NULL)
        return before;
    doorbell_name(name, waiters_id(storage), owner);
    made = create_doorbell(name);
    if (made == NULL)
        return NULL;
    before = InterlockedCompareExchangePointer(&doorbell, made, NULL);
    if (before == NULL)
        return made;
    CloseHandle(made);
    return before;
}

/* A spare event, or a new one. Returns NULL with GetLastError() set. */
static struct thread_waiter *take_spare(void)
{
    AcquireSRWLockExclusive(&list_lock);
    struct thread_waiter *node = spare;
    if (node != NULL)
        spare = node->next;
    ReleaseSRWLockExclusive(&list_lock);
    if (node != NULL)
        return node;
    node = HeapAlloc(GetProcessHeap(), 0, sizeof *node);
    if (node == NULL) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    node->event = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (node->event == NULL) {
        DWORD err = GetLastError();
        HeapFree(GetProcessHeap(), 0, node);
        SetLastError(err);
        return NULL;
    }
    return node;
}

/* A process that has no slot (beyond SC_PROCESS_SLOTS) cannot be found by
 * a writer: it sleeps in short steps instead. */
int sc__waiter_enter(struct sc_waiter *waiter,
                     struct sc_shared_storage *storage, sc__atomic64 *word,
                     const struct sc_table_member *member)
{
    int32_t slot = member->slot;

    waiter->storage = storage;
    waiter->word = word;
    waiter->counted = NULL;
    waiter->node = NULL;
    if (slot < 0)
        return 0;
    struct sc_process_slot *mine = &storage->processes.slots[slot];
    if (own_doorbell(storage, sc__load_acquire64(&mine->owner)) == NULL)
        return -1;
    struct thread_waiter *node = take_spare();
    if (node == NULL)
        return -1;
    AcquireSRWLockExclusive(&list_lock);
    node->next = in_wait;
    in_wait = node;
    ReleaseSRWLockExclusive(&list_lock);
    waiter->node = node;
    waiter->counted = &mine->waiting;
    sc__fetch_add32(waiter->counted, 1);
    return 0;
}

void sc__waiter_leave(struct sc_waiter *waiter)
{
    struct thread_waiter *node = waiter->node;

    if (node == NULL)
        return;
    sc__fetch_add32(waiter->counted, -1);
    AcquireSRWLockExclusive(&list_lock);
    struct thread_waiter **at = &in_wait;
    while (*at != node)
        at = &(*at)->next;
    *at = node->next;
    node->next = spare;
    spare = node;
    ReleaseSRWLockExclusive(&list_lock);
}

/* The doorbell woke this thread: it passes the wake on to every other
 * thread of the process in sc_wait, whichever of them it was for. */
static void pass_on(const struct thread_waiter *self)
{
    AcquireSRWLockShared(&list_lock);
    for (const struct thread_waiter *n = in_wait; n != NULL; n = n->next)
        if (n != self)
            SetEvent(n->event);
    ReleaseSRWLockShared(&list_lock);
}

int sc__waiter_sleep(struct sc_waiter *waiter, uint32_t ticket, uint32_t ms)
{
    struct thread_waiter *node = waiter->node;

    if (node == NULL) {
        sc__sleep_ms(ms < POLL_MS ? ms : POLL_MS);
        return 0;
    }
    if (sc__wait_generation(sc__load_seq_cst64(waiter->word)) != ticket)
        return 0;
    HANDLE events[2] = {doorbell, node->event};
    DWORD result = WaitForMultipleObjects(2, events, FALSE, ms);
    if (result == WAIT_OBJECT_0)
        pass_on(node);
    return result == WAIT_OBJECT_0 || result == WAIT_OBJECT_0 + 1 ||
                   result == WAIT_TIMEOUT
               ? 0
               : -1;
}

static void close_list(struct thread_waiter *node)
{
    while (node != NULL) {
        struct thread_waiter *next = node->next;
        CloseHandle(node->event);
        HeapFree(GetProcessHeap(), 0, node);
        node = next;
    }
}

void sc__waiter_close(void)
{
    HANDLE mine = InterlockedExchangePointer(&doorbell, NULL);

    if (mine != NULL)
        CloseHandle(mine);
    AcquireSRWLockExclusive(&list_lock);
    struct thread_waiter *nodes = spare;
    spare = NULL;
    ReleaseSRWLockExclusive(&list_lock);
    close_list(nodes);
}

/* The doorbells are per process, not per counter: a thread that waits on
 * another counter wakes, finds its own generation unmoved, and sleeps
 * again. */
void sc__waiters_wake(struct sc_shared_storage *storage, sc__atomic64 *word)
{
    (void)word;
    int64_t id = sc__load_acquire64(&storage->waiters_id);
    WCHAR name[NAME_SIZE];

    for (int i = 0; i < SC_PROCESS_SLOTS; i++) {
        struct sc_process_slot *slot = &storage->processes.slots[i];
        if (sc__load_seq_cst32(&slot->waiting) <= 0)
            continue;
        int64_t owner = sc__load_acquire64(&slot->owner);
        if (owner == 0)
            continue;
        doorbell_name(name, id, owner);
        HANDLE ring = OpenEventW(EVENT_MODIFY_STATE, FALSE, name);
        if (ring != NULL) {
            SetEvent(ring);
            CloseHandle(ring);
        }
    }
}

void sc__set_error(enum sc_error error)
{
    static const DWORD codes[] = {
        [SC_ERROR_INVALID_NAME] = ERROR_INVALID_NAME,
        [SC_ERROR_TABLE_FULL] = ERROR_DISK_FULL,
        [SC_ERROR_INVALID_ID] = ERROR_INVALID_PARAMETER,
    };
    SetLastError(codes[error]);
}
