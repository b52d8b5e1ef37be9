/* The process table; see process_table.h. */
#include "process_table.h"

#include "counter_storage.h"

enum liveness { GONE, RUNNING, UNKNOWN };

static uint64_t filetime_value(FILETIME t)
{
    return ((uint64_t)t.dwHighDateTime << 32) | t.dwLowDateTime;
}

static LONG64 owner_word(const struct sc_process_id *id)
{
    return (LONG64)(((uint64_t)(uint32_t)id->created << 32) | id->pid);
}

DWORD sc__process_self(struct sc_process_id *self)
{
    FILETIME created, exited, kernel, user;

    if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel,
                         &user))
        return GetLastError();
    self->pid = GetCurrentProcessId();
    self->created = filetime_value(created);
    return 0;
}

/* Starting at a place that depends on the id spreads the processes that
 * attach at once over different slots, so their compare-exchanges seldom
 * meet. Returns the slot's index or -1. */
static LONG claim(struct sc_process_table *table,
                  const struct sc_process_id *id)
{
    LONG64 word = owner_word(id);
    uint32_t start = (id->pid / 4) % SC_PROCESS_SLOTS;

    for (uint32_t i = 0; i < SC_PROCESS_SLOTS; i++) {
        LONG n = (LONG)((start + i) % SC_PROCESS_SLOTS);
        struct sc_process_slot *slot = &table->slots[n];
        if (sc__load_acquire64(&slot->owner) == 0 &&
            InterlockedCompareExchange64(&slot->owner, word, 0) == 0) {
            InterlockedExchange64(&slot->created, (LONG64)id->created);
            return n;
        }
    }
    return -1;
}

/* A compare-exchange, not a store: the slot is freed only if it still
 * holds this very owner. */
static void release(struct sc_process_table *table, LONG n,
                    const struct sc_process_id *id)
{
    InterlockedCompareExchange64(&table->slots[n].owner, 0, owner_word(id));
}

void sc__table_join(struct sc_process_table *table,
                    struct sc_table_member *member)
{
    member->slot = claim(table, &member->id);
    if (member->slot < 0)
        InterlockedIncrement(&table->overflow);
}

void sc__table_leave(struct sc_process_table *table,
                     struct sc_table_member *member)
{
    LONG n = InterlockedExchange(&member->slot, -1);

    if (n >= 0)
        release(table, n, &member->id);
    else
        InterlockedDecrement(&table->overflow);
}

/* Moves member from the overflow into a free slot. Several threads may try
 * at once: only one of them moves it, and the others give back the slots
 * they claimed. A member without an id (pid 0) stays where it is. Returns
 * whether this call moved it. */
static BOOL promote(struct sc_process_table *table,
                    struct sc_table_member *member)
{
    if (member->slot >= 0 || member->id.pid == 0)
        return FALSE;
    LONG n = claim(table, &member->id);
    if (n < 0)
        return FALSE;
    if (InterlockedCompareExchange(&member->slot, n, -1) == -1) {
        InterlockedDecrement(&table->overflow);
        return TRUE;
    }
    release(table, n, &member->id);
    return FALSE;
}

/* SYNCHRONIZE tells a process that has ended from one still running even
 * when it ended with exit code STILL_ACTIVE; where it is refused, the exit
 * code has to do. A process we may not open at all (another user's, with
 * the section build) cannot be checked and counts as running. */
static enum liveness query(DWORD pid, uint64_t *created)
{
    HANDLE process =
        OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE,
                    pid);
    BOOL can_wait = process != NULL;

    if (process == NULL && GetLastError() == ERROR_ACCESS_DENIED)
        process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (process == NULL)
        return GetLastError() == ERROR_INVALID_PARAMETER ? GONE : UNKNOWN;

    FILETIME creation, exited, kernel, user;
    DWORD code;
    enum liveness state = UNKNOWN;
    if (can_wait ? WaitForSingleObject(process, 0) == WAIT_OBJECT_0
                 : GetExitCodeProcess(process, &code) && code != STILL_ACTIVE)
        state = GONE;
    else if (GetProcessTimes(process, &creation, &exited, &kernel, &user)) {
        *created = filetime_value(creation);
        state = RUNNING;
    }
    CloseHandle(process);
    return state;
}

/* Whether the process named by a slot still runs. A process with the same id
 * but another creation time is a new one that got the old id. The whole
 * creation time is compared once the owner has written it; during the few
 * instructions of a claim before that, the low 32 bits in the owner word
 * must do. */
static enum liveness slot_state(LONG64 owner, LONG64 created_word)
{
    uint32_t low = (uint32_t)((uint64_t)owner >> 32);
    uint64_t created = 0;
    enum liveness state = query((DWORD)owner, &created);

    if (state != RUNNING)
        return state;
    if ((uint32_t)created != low)
        return GONE;
    if ((uint32_t)created_word == low && (uint64_t)created_word != created)
        return GONE;
    return RUNNING;
}

uint32_t sc__table_list(struct sc_process_table *table,
                        struct sc_table_member *caller, uint32_t *pids,
                        uint32_t capacity)
{
    uint32_t listed = 0;

    for (int i = 0; i < SC_PROCESS_SLOTS; i++) {
        struct sc_process_slot *slot = &table->slots[i];
        LONG64 owner = sc__load_acquire64(&slot->owner);
        if (owner == 0)
            continue;
        if (slot_state(owner, sc__load_acquire64(&slot->created)) == GONE) {
            InterlockedCompareExchange64(&slot->owner, 0, owner);
            continue;
        }
        if (listed < capacity)
            pids[listed] = (uint32_t)owner;
        listed++;
    }
    /* After the sweep, which may have freed slots; the sweep has not seen
     * the caller's new slot, so it is listed here. */
    if (caller != NULL && promote(table, caller)) {
        if (listed < capacity)
            pids[listed] = caller->id.pid;
        listed++;
    }
    return listed + (uint32_t)table->overflow;
}
