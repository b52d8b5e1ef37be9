/*
 * The process table (dll/process_table.c) on a table of the test's own,
 * with made-up members: a process with the right id but another creation
 * time (a reused id) is not counted and loses the slot; an ended process
 * is not counted and loses its slot; beyond SC_PROCESS_SLOTS members the
 * others are counted but not listed, and take a slot once one is free; a
 * table full of ended processes gives the next one a slot. The
 * entries of pids that got no id hold 0, so that a caller can tell how many
 * ids it got when the count includes processes that are not listed.
 * Both builds of the DLL run this same code on their shared storage.
 *
 * The program re-launches itself as a process that waits for its input
 * to end:
 *     test_process_table_code --wait
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <windows.h>

#include "process_table.h"
#include "support.h"

/* Room for a few entries more than the table can list. */
enum { PIDS_SIZE = SC_PROCESS_SLOTS + 8 };

/* What the entries hold before a call: no process's id, and not 0. */
#define UNWRITTEN UINT32_MAX

static struct sc_process_table table;
static struct sc_table_member members[SC_PROCESS_SLOTS + 1];
static uint32_t pids[PIDS_SIZE];

static int clear_table(void **state)
{
    (void)state;
    memset(&table, 0, sizeof table);
    return 0;
}

static struct sc_process_id self_id(void)
{
    struct sc_process_id id;
    assert_int_equal(sc__process_self(&id), 0);
    return id;
}

/* Lists into the first capacity entries of pids, all UNWRITTEN before;
 * checks that the entries beyond capacity stay so and that the ids come
 * first, then zeros. Returns the count, and in *written the ids before the
 * first 0, as a caller counts them. */
static uint32_t list(struct sc_table_member *caller, uint32_t capacity,
                     uint32_t *written)
{
    for (uint32_t i = 0; i < PIDS_SIZE; i++)
        pids[i] = UNWRITTEN;
    uint32_t count = sc__table_list(&table, caller, pids, capacity);
    uint32_t i = 0;
    while (i < capacity && pids[i] != 0) {
        assert_int_not_equal(pids[i], UNWRITTEN);
        i++;
    }
    *written = i;
    for (; i < capacity; i++)
        assert_int_equal(pids[i], 0);
    for (; i < PIDS_SIZE; i++)
        assert_int_equal(pids[i], UNWRITTEN);
    return count;
}

static uint32_t count_taken_slots(void)
{
    uint32_t n = 0;
    for (int i = 0; i < SC_PROCESS_SLOTS; i++)
        n += table.slots[i].owner != 0;
    return n;
}

static void join_as(struct sc_table_member *member, struct sc_process_id id)
{
    member->id = id;
    sc__table_join(&table, member);
}

static void running_process_is_listed(void **state)
{
    struct sc_table_member me;
    uint32_t written;
    (void)state;

    join_as(&me, self_id());
    assert_true(me.slot >= 0);
    assert_int_equal(list(NULL, 1, &written), 1);
    assert_int_equal(written, 1);
    assert_int_equal(pids[0], GetCurrentProcessId());
    assert_int_equal(list(NULL, 4, &written), 1);
    assert_int_equal(written, 1);
    assert_int_equal(pids[0], GetCurrentProcessId());
    assert_int_equal(sc__table_list(&table, NULL, NULL, 0), 1);
    sc__table_leave(&table, &me);
    assert_int_equal(count_taken_slots(), 0);
    assert_int_equal(sc__table_list(&table, NULL, NULL, 0), 0);
}

/* A running process whose id a slot names, with another creation time:
 * first differing in the low 32 bits (kept in the owner word), then only
 * in the high ones (kept in the whole creation time beside it). */
static void reused_id_is_not_counted(void **state)
{
    struct sc_table_member low, high;
    struct sc_process_id id = self_id();
    (void)state;

    id.created = self_id().created + 1;
    join_as(&low, id);
    id.created = self_id().created + ((uint64_t)1 << 32);
    join_as(&high, id);
    assert_int_equal(count_taken_slots(), 2);
    assert_int_equal(sc__table_list(&table, NULL, NULL, 0), 0);
    assert_int_equal(count_taken_slots(), 0);
}

/* A slot claimed a moment ago, its whole creation time not written yet:
 * the owner word's low 32 bits of the creation time decide. */
static void claim_in_progress_is_judged_by_its_owner_word(void **state)
{
    struct sc_process_id id = self_id();
    (void)state;

    table.slots[0].owner =
        (LONG64)(((uint64_t)(uint32_t)id.created << 32) | id.pid);
    table.slots[1].owner =
        (LONG64)(((uint64_t)(uint32_t)(id.created + 1) << 32) | id.pid);
    assert_int_equal(sc__table_list(&table, NULL, pids, 2), 1);
    assert_int_equal(pids[0], id.pid);
    assert_int_not_equal(table.slots[0].owner, 0);
    assert_int_equal(table.slots[1].owner, 0);
}

/* An ended process, still an object while we hold its handle: not counted,
 * its slot freed for the next process. */
static void ended_process_is_not_counted(void **state)
{
    struct sc_child child;
    struct sc_table_member me, gone;
    FILETIME created, exited, kernel, user;
    (void)state;

    assert_int_equal(
        sc__child_start_self(&child, "--wait", SC_CHILD_PIPE_STDIN), 0);
    assert_true(
        GetProcessTimes(child.process, &created, &exited, &kernel, &user));
    join_as(&me, self_id());
    join_as(&gone, (struct sc_process_id){
                       child.pid, ((uint64_t)created.dwHighDateTime << 32) |
                                      created.dwLowDateTime});
    assert_int_equal(sc__table_list(&table, NULL, pids, 2), 2);
    assert_true(TerminateProcess(child.process, 9));
    assert_int_equal(WaitForSingleObject(child.process, INFINITE),
                     WAIT_OBJECT_0);
    assert_int_equal(sc__table_list(&table, NULL, pids, 2), 1);
    assert_int_equal(pids[0], GetCurrentProcessId());
    assert_int_equal(count_taken_slots(), 1);
    sc__child_close(&child);
}

/* Joins SC_PROCESS_SLOTS + 1 members, all of them this process and so all
 * running, and returns the last, which found the table full. */
static struct sc_table_member *fill_table_and_one_more(void)
{
    struct sc_process_id id = self_id();

    for (int i = 0; i <= SC_PROCESS_SLOTS; i++)
        join_as(&members[i], id);
    return &members[SC_PROCESS_SLOTS];
}

/* One member more than the table holds is counted but not listed (0 where
 * its id would be), leaves the overflow when it lists after a slot is
 * freed, and leaves the count on detach. */
static void full_table_counts_but_does_not_list(void **state)
{
    struct sc_table_member *extra = fill_table_and_one_more();
    uint32_t written;
    (void)state;

    assert_int_equal(extra->slot, -1);
    assert_int_equal(table.overflow, 1);
    assert_int_equal(list(NULL, PIDS_SIZE, &written), SC_PROCESS_SLOTS + 1);
    assert_int_equal(written, SC_PROCESS_SLOTS);
    assert_int_equal(list(NULL, 2, &written), SC_PROCESS_SLOTS + 1);
    assert_int_equal(written, 2);

    /* A free slot that the member in the overflow has not taken yet: the
     * count fits in the array, and only the zeros tell that one id is
     * missing. */
    sc__table_leave(&table, &members[0]);
    assert_int_equal(list(NULL, SC_PROCESS_SLOTS + 1, &written),
                     SC_PROCESS_SLOTS);
    assert_int_equal(written, SC_PROCESS_SLOTS - 1);

    assert_int_equal(list(extra, SC_PROCESS_SLOTS + 1, &written),
                     SC_PROCESS_SLOTS);
    assert_int_equal(written, SC_PROCESS_SLOTS);
    assert_true(extra->slot >= 0);
    assert_int_equal(table.overflow, 0);
    assert_int_equal(count_taken_slots(), SC_PROCESS_SLOTS);

    for (int i = 1; i <= SC_PROCESS_SLOTS; i++)
        sc__table_leave(&table, &members[i]);
    assert_int_equal(count_taken_slots(), 0);
    assert_int_equal(sc__table_list(&table, NULL, NULL, 0), 0);
}

/* A table full of processes that ended without leaving it: the next
 * process takes one of their slots instead of the overflow. The ids are
 * above any that the system hands out. */
static void table_full_of_ended_processes_takes_a_new_one(void **state)
{
    struct sc_table_member me;
    uint32_t written;
    (void)state;

    for (int i = 0; i < SC_PROCESS_SLOTS; i++)
        table.slots[i].owner = (int64_t)0x1234567800000000 | (0x7ffff000 + i);
    join_as(&me, self_id());
    assert_true(me.slot >= 0);
    assert_int_equal(table.overflow, 0);
    assert_int_equal(list(NULL, 4, &written), 1);
    assert_int_equal(written, 1);
    assert_int_equal(pids[0], GetCurrentProcessId());
    sc__table_leave(&table, &me);
}

/* Leaving from the overflow takes the member out of the count. */
static void overflow_member_leaves_the_count(void **state)
{
    struct sc_table_member *extra = fill_table_and_one_more();
    (void)state;

    assert_int_equal(table.overflow, 1);
    sc__table_leave(&table, extra);
    assert_int_equal(table.overflow, 0);
    assert_int_equal(sc__table_list(&table, NULL, NULL, 0), SC_PROCESS_SLOTS);
    for (int i = 0; i < SC_PROCESS_SLOTS; i++)
        sc__table_leave(&table, &members[i]);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--wait") == 0) {
        while (getchar() != EOF)
            continue;
        return 0;
    }

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(running_process_is_listed, clear_table),
        cmocka_unit_test_setup(reused_id_is_not_counted, clear_table),
        cmocka_unit_test_setup(claim_in_progress_is_judged_by_its_owner_word,
                               clear_table),
        cmocka_unit_test_setup(ended_process_is_not_counted, clear_table),
        cmocka_unit_test_setup(full_table_counts_but_does_not_list,
                               clear_table),
        cmocka_unit_test_setup(overflow_member_leaves_the_count, clear_table),
        cmocka_unit_test_setup(table_full_of_ended_processes_takes_a_new_one,
                               clear_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
