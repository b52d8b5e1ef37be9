/* The demo's table and verdict; see demo.h. */
#include "demo.h"

#include <inttypes.h>
#include <stdio.h>

#include "options.h"

static void print_table(const struct sc_demo_plan *plan,
                        const struct sc_demo_process *processes, size_t count)
{
    printf("%" PRId64 " counter_worker and %" PRId64
           " private_counter processes, released together;\n"
           "each adds %" PRId64 " to its counter %" PRId64 " times.\n\n",
           plan->clients, plan->clients, plan->delta, plan->times);
    printf("%-22s %8s  %s\n", "process", "pid", "last value it saw");
    for (size_t i = 0; i < count; i++) {
        const struct sc_demo_process *p = &processes[i];
        printf("%-22s %8lu  ", p->program, (unsigned long)p->pid);
        if (p->has_value)
            printf("%" PRId64 "\n", p->last);
        else
            printf("(failed, exit code %lu)\n", (unsigned long)p->exit_code);
    }
    putchar('\n');
}

/* Each private process added D, N times, to its own counter from 0. */
static int private_ok(const struct sc_demo_process *processes, size_t count,
                      int64_t expected)
{
    for (size_t i = 0; i < count; i++)
        if (!processes[i].shared &&
            (!processes[i].has_value || processes[i].last != expected))
            return 0;
    return 1;
}

static int workers_ok(const struct sc_demo_process *processes, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (processes[i].shared && !processes[i].has_value)
            return 0;
    return 1;
}

int sc__demo_report(const struct sc_demo_plan *plan,
                    const struct sc_demo_process *processes, size_t count,
                    int64_t before, int64_t after)
{
    /* The counters wrap, so the expected values wrap the same way. */
    int64_t per_process = sc__wrapping_mul(plan->times, plan->delta);
    int64_t moved = sc__wrapping_mul(plan->clients, per_process);
    int shared_ok = workers_ok(processes, count) &&
                    after == sc__wrapping_add(before, moved);
    int baseline_ok = private_ok(processes, count, per_process);

    print_table(plan, processes, count);
    printf("shared counter (sharedcounter.dll): %" PRId64 " -> %" PRId64
           " (expected %+" PRId64 ": %s)\n",
           before, after, moved, shared_ok ? "OK" : "MISMATCH");
    if (baseline_ok)
        printf("private baseline: each of %" PRId64
               " processes ended at %" PRId64 " (none saw the others)\n",
               plan->clients, per_process);
    else
        printf("private baseline: MISMATCH: not every process ended at %" PRId64
               "\n",
               per_process);
    if (!shared_ok && workers_ok(processes, count))
        puts("(a process outside this demo may have used sharedcounter.dll "
             "at the same time)");
    return shared_ok && baseline_ok ? 0 : 1;
}
