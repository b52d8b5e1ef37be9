/*
 * Linearizability across processes: K processes of T threads each call
 * sc_increment() (and, in one test, sc_add() with known deltas) M times and
 * record every value returned. An update of delta d that returned v moved the
 * counter from v - d to v, so sorted by v the updates must tile the range
 * from the value before to the value after with no gap and no overlap: no
 * update lost, none applied twice, each seen exactly once. In that order
 * the updates must also change hands between processes more than K - 1
 * times, the count that K processes running one after another would give:
 * the processes really did interleave.
 *
 * The program re-launches itself as the worker processes:
 *     test_linearizable --worker GATE LINE PROCESSES THREADS OPS ADD_EVERY
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

#include "sharedcounter.h"
#include "support.h"

struct record {
    int64_t delta;
    int64_t value;
    int64_t process; /* id of the process that made the update */
};

struct plan {
    int processes;
    int threads;
    int ops;       /* per thread */
    int add_every; /* every add_every-th op is an sc_add; 0: none */
};

/* ---- worker process ---------------------------------------------------- */

enum { PAUSE_EVERY = 4096 };

struct worker_thread {
    const struct plan *plan;
    int index;
    HANDLE gate;
    volatile LONG *line; /* threads of all processes that are past the gate */
    struct record *records;
};

/* Small deltas from 2 to 6, different in each thread and op, so that a lost
 * or doubled add shows up as a hole or an overlap of a known size. */
static int64_t delta_of(const struct plan *plan, int thread, int op)
{
    if (plan->add_every == 0 || op % plan->add_every != plan->add_every - 1)
        return 1;
    return 2 + (thread + op) % 5;
}

static DWORD WINAPI run_worker_thread(void *arg)
{
    struct worker_thread *w = arg;

    int64_t process = GetCurrentProcessId();

    /* Past the gate, each thread also waits at the start line until every
     * thread of every worker has arrived: a thread woken late, as on a busy
     * machine, would otherwise find the others done. */
    WaitForSingleObject(w->gate, INFINITE);
    InterlockedIncrement(w->line);
    while (*w->line < w->plan->processes * w->plan->threads)
        SwitchToThread();
    for (int op = 0; op < w->plan->ops; op++) {
        /* A thread can do thousands of updates in one time slice. A short
         * sleep now and then hands the processor to the other threads, so
         * that the processes take turns even on a busy machine. */
        if (op % PAUSE_EVERY == PAUSE_EVERY - 1)
            sc__sleep_ms(1);
        int64_t delta = delta_of(w->plan, w->index, op);
        w->records[op].delta = delta;
        w->records[op].value = delta == 1 ? sc_increment() : sc_add(delta);
        w->records[op].process = process;
    }
    return 0;
}

static BOOL write_all(HANDLE out, const void *data, size_t len)
{
    const char *at = data;
    DWORD written;

    while (len > 0) {
        DWORD chunk = len > 65536 ? 65536 : (DWORD)len;
        if (!WriteFile(out, at, chunk, &written, NULL))
            return FALSE;
        at += written;
        len -= written;
    }
    return TRUE;
}

/* Says "ready" once its threads wait at the gate, then writes all records
 * to stdout, in binary, after the last thread is done. */
static int worker_main(const char *gate_name, const char *line_name,
                       struct plan plan)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE gate = OpenEventA(SYNCHRONIZE, FALSE, gate_name);
    HANDLE line = OpenFileMappingA(FILE_MAP_WRITE, FALSE, line_name);
    volatile LONG *arrived =
        line != NULL ? MapViewOfFile(line, FILE_MAP_WRITE, 0, 0, 0) : NULL;
    struct worker_thread *workers = calloc(plan.threads, sizeof *workers);
    HANDLE *threads = calloc(plan.threads, sizeof *threads);
    struct record *records =
        calloc((size_t)plan.threads * plan.ops, sizeof *records);

    if (gate == NULL || arrived == NULL || workers == NULL || threads == NULL ||
        records == NULL)
        return 1;
    for (int t = 0; t < plan.threads; t++) {
        workers[t] = (struct worker_thread){&plan, t, gate, arrived,
                                            records + (size_t)t * plan.ops};
        threads[t] =
            CreateThread(NULL, 0, run_worker_thread, &workers[t], 0, NULL);
        if (threads[t] == NULL)
            return 1;
    }
    if (sc__say_ready() != 0)
        return 1;
    WaitForMultipleObjects(plan.threads, threads, TRUE, INFINITE);
    return write_all(out, records,
                     (size_t)plan.threads * plan.ops * sizeof *records)
               ? 0
               : 1;
}

/* ---- parent ------------------------------------------------------------ */

/* Records sorted by how far past the starting value their update took the
 * counter, in unsigned arithmetic: the order holds across a wrap. */
static int64_t sort_base;

static uint64_t offset_of(const struct record *r)
{
    return (uint64_t)sc__wrapping_sub(r->value, sort_base);
}

static int by_offset(const void *a, const void *b)
{
    uint64_t x = offset_of(a), y = offset_of(b);
    return (x > y) - (x < y);
}

/* Every record must start where the one before it ended. Returns how often
 * the next update came from another process. */
static size_t assert_tiles_range(struct record *records, size_t count,
                                 int64_t before, int64_t after)
{
    size_t handovers = 0;

    sort_base = before;
    qsort(records, count, sizeof *records, by_offset);
    int64_t reached = before;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && records[i].process != records[i - 1].process)
            handovers++;
        int64_t from = sc__wrapping_sub(records[i].value, records[i].delta);
        if (from != reached)
            fail_msg("update %llu of %llu moved the counter from %lld to %lld,"
                     " but the updates before it reached %lld: %s",
                     (unsigned long long)i, (unsigned long long)count,
                     (long long)from, (long long)records[i].value,
                     (long long)reached,
                     sc__wrapping_sub(from, before) <
                             sc__wrapping_sub(reached, before)
                         ? "an overlap (applied or seen twice)"
                         : "a gap (an update was lost)");
        reached = records[i].value;
    }
    assert_int_equal(reached, after);
    return handovers;
}

/* Processes that ran one after another would hand over processes - 1 times,
 * once at each boundary; more means their updates interleaved. */
static void assert_interleaved(size_t handovers, int processes)
{
    size_t sequential = (size_t)processes - 1;

    if (handovers <= sequential)
        fail_msg("%llu handovers between %d processes: no more than running "
                 "them one after another would give (%llu)",
                 (unsigned long long)handovers, processes,
                 (unsigned long long)sequential);
}

/* The start line: a count in a named mapping of the parent's. */
struct start_line {
    HANDLE mapping;
    char name[64];
};

static void create_start_line(struct start_line *line)
{
    static LONG serial;

    snprintf(line->name, sizeof line->name, "Local\\sc-line-%lu-%ld",
             (unsigned long)GetCurrentProcessId(),
             InterlockedIncrement(&serial));
    line->mapping = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
                                       PAGE_READWRITE, 0, 4096, line->name);
    assert_non_null(line->mapping);
    assert_int_equal(GetLastError(), 0);
}

static void start_workers(struct sc_child *children, const struct plan *plan,
                          const char *gate_name, const char *line_name)
{
    char args[200];

    snprintf(args, sizeof args, "--worker %s %s %d %d %d %d", gate_name,
             line_name, plan->processes, plan->threads, plan->ops,
             plan->add_every);
    for (int i = 0; i < plan->processes; i++)
        assert_int_equal(
            sc__child_start_self(&children[i], args, SC_CHILD_PIPE_OUTPUT), 0);
    for (int i = 0; i < plan->processes; i++)
        assert_int_equal(sc__child_wait_ready(&children[i]), 0);
}

/* Collects each worker's records into records; returns how many. */
static size_t collect_records(struct sc_child *children,
                              const struct plan *plan, struct record *records)
{
    size_t per_process = (size_t)plan->threads * plan->ops;
    size_t count = 0;

    for (int i = 0; i < plan->processes; i++) {
        struct sc_child_output out;
        DWORD code = 1;
        assert_int_equal(sc__child_finish(&children[i], 120000, &code, &out),
                         0);
        assert_int_equal(code, 0);
        assert_int_equal(out.out_len, per_process * sizeof *records);
        memcpy(records + count, out.out, out.out_len);
        count += per_process;
        sc__child_output_free(&out);
        sc__child_close(&children[i]);
    }
    return count;
}

static void print_figures(const struct plan *plan, int64_t before,
                          int64_t after, size_t handovers, double ms)
{
    char mix[40] = "increments only";

    if (plan->add_every != 0)
        snprintf(mix, sizeof mix, "1 op in %d an sc_add", plan->add_every);
    printf("[ FIGURES  ] K=%d x T=%d x M=%d, %s: counter %lld -> %lld, "
           "%llu handovers between processes, %.0f ms\n",
           plan->processes, plan->threads, plan->ops, mix, (long long)before,
           (long long)after, (unsigned long long)handovers, ms);
}

static void run_plan(struct plan plan)
{
    struct sc_start_gate gate;
    struct start_line line;
    struct sc_child *children = calloc(plan.processes, sizeof *children);
    size_t total = (size_t)plan.processes * plan.threads * plan.ops;
    struct record *records = calloc(total, sizeof *records);

    assert_non_null(children);
    assert_non_null(records);
    assert_int_equal(sc__gate_create(&gate, "lin"), 0);
    create_start_line(&line);
    start_workers(children, &plan, gate.name, line.name);

    int64_t before = sc_get();
    uint64_t start_us = sc__clock_us();
    SetEvent(gate.event);
    assert_int_equal(collect_records(children, &plan, records), total);
    uint64_t took_us = sc__clock_us() - start_us;
    int64_t after = sc_get();

    size_t handovers = assert_tiles_range(records, total, before, after);
    print_figures(&plan, before, after, handovers, (double)took_us / 1000.0);
    assert_interleaved(handovers, plan.processes);
    CloseHandle(line.mapping);
    CloseHandle(gate.event);
    free(records);
    free(children);
}

static void increments_of_2_processes_are_exactly_the_range(void **state)
{
    (void)state;
    run_plan((struct plan){2, 4, 50000, 0});
}

static void increments_of_8_processes_are_exactly_the_range(void **state)
{
    (void)state;
    run_plan((struct plan){8, 4, 10000, 0});
}

static void increments_of_32_processes_are_exactly_the_range(void **state)
{
    (void)state;
    run_plan((struct plan){32, 2, 5000, 0});
}

static void adds_mixed_in_tile_the_range_exactly(void **state)
{
    (void)state;
    run_plan((struct plan){8, 4, 10000, 4});
}

int main(int argc, char **argv)
{
    if (argc == 8 && strcmp(argv[1], "--worker") == 0)
        return worker_main(argv[2], argv[3],
                           (struct plan){atoi(argv[4]), atoi(argv[5]),
                                         atoi(argv[6]), atoi(argv[7])});
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(increments_of_2_processes_are_exactly_the_range),
        cmocka_unit_test(increments_of_8_processes_are_exactly_the_range),
        cmocka_unit_test(increments_of_32_processes_are_exactly_the_range),
        cmocka_unit_test(adds_mixed_in_tile_the_range_exactly),
    };
    sc__test_filter_from_environment();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
