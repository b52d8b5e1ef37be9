/* The process table; see process_table.h. */
#include "process_table.h"

#include <stdbool.h>
#include <stddef.h>

int64_t sc__owner_word(const struct sc_process_id *id)
{
    return (int64_t)(((uint64_t)(uint32_t)id->created << 32) | id->pid);
}

/* Starting at a place that depends on the id spreads the processes that
 * attach at once over different slots, so their compare-exchanges seldom
 * meet. Returns the slot's index or -1. */
static int32_t claim(struct sc_process_table *table,
                     const struct sc_process_id *id)
{
    int64_t word = sc__owner_word(id);
    uint32_t start = (id->pid / 4) % SC_PROCESS_SLOTS;

    for (uint32_t i = 0; i < SC_PROCESS_SLOTS; i++) {
        int32_t n = (int32_t)((start + i) % SC_PROCESS_SLOTS);
        struct sc_process_slot *slot = &table->slots[n];
        if (sc__load_acquire64(&slot->owner) == 0 &&
            sc__compare_exchange64(&slot->owner, 0, word) == 0) {
            sc__exchange64(&slot->created, (int64_t)id->created);
            /* A count of waiting threads that the slot's last owner left
             * (it died in sc_wait) is none of this process's: writers
             * would ring its doorbell for nothing. */
            sc__exchange32(&slot->waiting, 0);
            return n;
        }
    }
    return -1;
}

/* A compare-exchange, not a store: the slot is freed only if it still
 * holds this very owner. */
static void release(struct sc_process_table *table, int32_t n,
                    const struct sc_process_id *id)
{
    sc__compare_exchange64(&table->slots[n].owner, sc__owner_word(id), 0);
}

/* The liveness of the process an owner word names, and if it runs, its
 * whole creation time. */
static enum sc_liveness query_owner(int64_t owner, uint64_t *created)
{
    uint32_t low = (uint32_t)((uint64_t)owner >> 32);
    enum sc_liveness state = sc__process_query((uint32_t)owner, created);

    if (state != SC_RUNNING || low == 0)
        return state;
    return (uint32_t)*created == low ? SC_RUNNING : SC_GONE;
}

enum sc_liveness sc__owner_liveness(int64_t owner)
{
    uint64_t created = 0;

    return query_owner(owner, &created);
}

/* Whether the process named by a slot still runs. The whole creation time
 * is compared once the owner has written it; during the few instructions of
 * a claim before that, the low 32 bits in the owner word must do. */
static enum sc_liveness slot_state(int64_t owner, int64_t created_word)
{
    uint32_t low = (uint32_t)((uint64_t)owner >> 32);
    uint64_t created = 0;
    enum sc_liveness state = query_owner(owner, &created);

    if (state == SC_RUNNING && (uint32_t)created_word == low &&
        (uint64_t)created_word != created)
        return SC_GONE;
    return state;
}

/* Frees the slot if the process that holds it has ended, and returns
 * whether it did. A compare-exchange: a new owner that took the slot
 * meanwhile keeps it. */
static bool free_if_gone(struct sc_process_slot *slot, int64_t owner)
{
    if (slot_state(owner, sc__load_acquire64(&slot->created)) != SC_GONE)
        return false;
    sc__compare_exchange64(&slot->owner, owner, 0);
    return true;
}

/* Frees the slots of processes that have ended. */
static void sweep(struct sc_process_table *table)
{
    for (int i = 0; i < SC_PROCESS_SLOTS; i++) {
        struct sc_process_slot *slot = &table->slots[i];
        int64_t owner = sc__load_acquire64(&slot->owner);
        if (owner != 0)
            free_if_gone(slot, owner);
    }
}

/* A table full of processes that ended without leaving it (_exit, a
 * crash), which nobody has listed since, is swept before a process is
 * counted in the overflow, whose dead members nobody could tell apart. */
void sc__table_join(struct sc_process_table *table,
                    struct sc_table_member *member)
{
    member->slot = claim(table, &member->id);
    if (member->slot < 0) {
        sweep(table);
        member->slot = claim(table, &member->id);
    }
    if (member->slot < 0)
        sc__fetch_add32(&table->overflow, 1);
}

bool sc__table_take_over(struct sc_process_table *table,
                         struct sc_table_member *member)
{
    int64_t word = sc__owner_word(&member->id);

    for (int32_t n = 0; n < SC_PROCESS_SLOTS; n++) {
        struct sc_process_slot *slot = &table->slots[n];
        if (sc__load_acquire64(&slot->owner) == word) {
            /* Its threads went with the old image, and so did any count
             * of them. */
            sc__exchange32(&slot->waiting, 0);
            member->slot = n;
            return true;
        }
    }
    return false;
}

void sc__table_leave(struct sc_process_table *table,
                     struct sc_table_member *member)
{
    int32_t n = sc__exchange32(&member->slot, -1);

    if (n >= 0)
        release(table, n, &member->id);
    else
        sc__fetch_add32(&table->overflow, -1);
}

/* Moves member from the overflow into a free slot. Several threads may try
 * at once: only one of them moves it, and the others give back the slots
 * they claimed. A member without an id (pid 0) stays where it is. Returns
 * whether this call moved it. */
static bool promote(struct sc_process_table *table,
                    struct sc_table_member *member)
{
    if (member->slot >= 0 || member->id.pid == 0)
        return false;
    int32_t n = claim(table, &member->id);
    if (n < 0)
        return false;
    if (sc__compare_exchange32(&member->slot, -1, n) == -1) {
        sc__fetch_add32(&table->overflow, -1);
        return true;
    }
    release(table, n, &member->id);
    return false;
}

uint32_t sc__table_list(struct sc_process_table *table,
                        struct sc_table_member *caller, uint32_t *pids,
                        uint32_t capacity)
{
    uint32_t listed = 0;

    for (int i = 0; i < SC_PROCESS_SLOTS; i++) {
        struct sc_process_slot *slot = &table->slots[i];
        int64_t owner = sc__load_acquire64(&slot->owner);
        if (owner == 0 || free_if_gone(slot, owner))
            continue;
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
    /* No process has id 0: the caller counts the ids written, which the
     * returned count cannot tell when some processes are in the overflow. */
    for (uint32_t i = listed; i < capacity; i++)
        pids[i] = 0;
    return listed + (uint32_t)table->overflow;
}
