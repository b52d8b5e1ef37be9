/*
 * The table of processes that have one DLL image loaded, kept in the same
 * shared storage as the counter (docs/how-it-works.md, "Who has it loaded").
 *
 * A slot names a process by its id and its creation time: Windows reuses
 * ids, but a new process with an old id has a later creation time, so it is
 * never taken for the process that held the slot before. A process claims a
 * slot when it attaches and frees it when it detaches. A process that never
 * detaches (TerminateProcess, a crash) leaves its slot behind; whoever lists
 * the table finds that the process has ended and frees the slot then.
 *
 * These functions take the table as a parameter so that the tests can run
 * them on a table of their own.
 */
#ifndef SC_PROCESS_TABLE_H
#define SC_PROCESS_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "atomics.h"
#include "sharedcounter.h"

struct sc_process_slot {
    /* 0 when free; otherwise the process id in the low 32 bits and the low
     * 32 bits of its creation time in the high 32 bits. Claiming and freeing
     * are compare-exchanges on this word alone. */
    sc__atomic64 owner;
    /* The whole creation time, written just after the claim. */
    sc__atomic64 created;
    /* Windows: how many threads of the owner are in sc_wait, so that a
     * writer knows whose doorbell to ring (wait_win32.c). */
    sc__atomic32 waiting;
};

struct sc_process_table {
    /* Attached processes that found every slot taken: counted, not listed. */
    sc__atomic32 overflow;
    struct sc_process_slot slots[SC_PROCESS_SLOTS];
};

/* A process as the table knows it: id and creation time (a FILETIME as
 * one number on Windows, the start time in clock ticks since boot from
 * /proc/<pid>/stat on Linux). */
struct sc_process_id {
    uint32_t pid;
    uint64_t created;
};

/* What the system says about a process id: it has ended, it runs (with
 * that creation time), or it cannot tell. */
enum sc_liveness { SC_GONE, SC_RUNNING, SC_UNKNOWN };

/* One process's membership: who it is, and its slot (-1: in the overflow). */
struct sc_table_member {
    struct sc_process_id id;
    sc__atomic32 slot;
};

/* The calling process. Safe in DllMain and in an ELF constructor. Returns 0
 * or the system's error code (process_table_win32.c, process_table_posix.c). */
int sc__process_self(struct sc_process_id *self);

/* The calling process's id, which cannot fail. */
uint32_t sc__process_pid(void);

/* The word a slot holds for a process: its id in the low 32 bits and the
 * low 32 bits of its creation time in the high 32 bits. */
int64_t sc__owner_word(const struct sc_process_id *id);

/* Whether the process an owner word names still runs. A process with the
 * same id but another creation time is a new one that got the old id; a
 * word whose creation half is 0 names a process by its id alone. */
enum sc_liveness sc__owner_liveness(int64_t owner);

/* Whether process pid runs, and if so its creation time. A process this
 * user may not query counts as running: SC_UNKNOWN. */
enum sc_liveness sc__process_query(uint32_t pid, uint64_t *created);

/* Enters member, whose id is set, into the table: into a free slot, or into
 * the overflow when every slot is taken. Atomic operations only, so that
 * DllMain may call it, unless every slot is taken: it then first frees the
 * slots of processes that have ended, asking the system about each, which
 * opens processes (Windows) or files in /proc (Linux) and loads no
 * module. */
void sc__table_join(struct sc_process_table *table,
                    struct sc_table_member *member);

/* Enters member into the slot that already holds its very id and creation
 * time, if one does, and returns whether it did: a process that exec()s
 * keeps both, and the image it ran before left the table no goodbye, so the
 * new image takes over its slot instead of counting the process twice. */
bool sc__table_take_over(struct sc_process_table *table,
                         struct sc_table_member *member);

/* Takes member out of the table: frees its slot or its place in the
 * overflow. */
void sc__table_leave(struct sc_process_table *table,
                     struct sc_table_member *member);

/* Checks every taken slot against the running processes, frees the slots
 * of processes that have ended, and moves caller (which may be NULL) from
 * the overflow into a slot if one is free now. Then writes up to capacity
 * ids of the listed processes into pids, 0 into the rest of its capacity,
 * and returns how many processes there are: those listed plus the
 * overflow. Opens processes, so it is not for DllMain. */
uint32_t sc__table_list(struct sc_process_table *table,
                        struct sc_table_member *caller, uint32_t *pids,
                        uint32_t capacity);

#endif /* SC_PROCESS_TABLE_H */
