/* The demo's words: the plan, the table, the verdict; see demo.h. */
#include "demo.h"

#include <inttypes.h>
#include <stdio.h>

#include "runner.h"
#include "wrapping.h"

/*
 * The exact totals, to say when and how a total wraps: K*N*D needs up to
 * 99 bits (32 * 10^9 * 2^63), so it is kept in 128-bit two's complement,
 * which C11 does not have.
 */
struct exact {
    uint64_t hi, lo;
};

static struct exact exact_from(int64_t v)
{
    struct exact e = {v < 0 ? UINT64_MAX : 0, (uint64_t)v};
    return e;
}

static struct exact exact_add(struct exact a, struct exact b)
{
    struct exact sum = {a.hi + b.hi, a.lo + b.lo};
    sum.hi += sum.lo < a.lo;
    return sum;
}

/* a * m, modulo 2^128, which is exact while the product fits. */
static struct exact exact_mul(struct exact a, uint32_t m)
{
    uint64_t low = (a.lo & UINT32_MAX) * m;
    uint64_t high = (a.lo >> 32) * m;
    struct exact product = {a.hi * m + (high >> 32), low + (high << 32)};
    product.hi += product.lo < low;
    return product;
}

static int exact_is_negative(struct exact a)
{
    return (int)(a.hi >> 63);
}

static int exact_fits_int64(struct exact a)
{
    return a.hi == (a.lo >> 63 ? UINT64_MAX : 0);
}

/* a with its sign, "+" included, in decimal; buf holds 41 characters. */
static const char *exact_format(struct exact a, char buf[41])
{
    char digits[40];
    int n = 0, negative = exact_is_negative(a);

    if (negative) {
        a.hi = ~a.hi;
        a.lo = ~a.lo + 1;
        a.hi += a.lo == 0;
    }
    do { /* divides by 10, 32 bits at a time */
        uint64_t rest = a.hi % 10;
        a.hi /= 10;
        uint64_t mid = rest << 32 | a.lo >> 32;
        uint64_t low = (mid % 10) << 32 | (a.lo & UINT32_MAX);
        a.lo = (mid / 10) << 32 | low / 10;
        digits[n++] = (char)('0' + low % 10);
    } while (a.hi != 0 || a.lo != 0);
    char *out = buf;
    *out++ = negative ? '-' : '+';
    while (n > 0)
        *out++ = digits[--n];
    *out = '\0';
    return buf;
}

/* ", which wraps past INT64_MAX" (or INT64_MIN) when start + amount leaves
 * the range of the counter, which then wraps; "" when it does not. */
static const char *wrap_note(int64_t start, struct exact amount)
{
    struct exact end = exact_add(exact_from(start), amount);

    if (exact_fits_int64(end))
        return "";
    return exact_is_negative(end) ? ", which wraps past INT64_MIN"
                                  : ", which wraps past INT64_MAX";
}

static const char *plural(int64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void sc__demo_report_killed(const struct sc_demo_plan *plan,
                            const struct sc_demo_process *p)
{
    sc__error("counter_demo",
              "killed %s (pid %lu): still running at the time limit of "
              "%" PRId64 " %s",
              p->program, (unsigned long)p->pid, plan->timeout_s,
              plural(plan->timeout_s, "second", "seconds"));
}

static void print_plan(const struct sc_demo_plan *plan)
{
    printf("%" PRId64 " counter_worker and %" PRId64
           " private_counter %s, released together;\n"
           "each adds %" PRId64 " to its counter %" PRId64 " %s.\n\n",
           plan->clients, plan->clients,
           plural(plan->clients, "process", "processes"), plan->delta,
           plan->times, plural(plan->times, "time", "times"));
}

/* A private process added D, N times, to its own counter from 0. */
static int private_ok(const struct sc_demo_process *p, int64_t expected)
{
    return p->has_value && p->last == expected;
}

static void print_table(const struct sc_demo_process *processes, size_t count,
                        int64_t per_process)
{
    printf("%-22s %8s  %s\n", "process", "pid", "last value it saw");
    for (size_t i = 0; i < count; i++) {
        const struct sc_demo_process *p = &processes[i];
        printf("%-22s %8lu  ", p->program, (unsigned long)p->pid);
        if (p->killed)
            puts("(killed at the time limit)");
        else if (!p->has_value)
            printf("(failed, exit code %lu)\n", (unsigned long)p->exit_code);
        else if (!p->shared && !private_ok(p, per_process))
            printf("%" PRId64 " (off by %+" PRId64 ")\n", p->last,
                   sc__wrapping_sub(p->last, per_process));
        else
            printf("%" PRId64 "\n", p->last);
    }
    putchar('\n');
}

static int workers_ok(const struct sc_demo_process *processes, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (processes[i].shared && !processes[i].has_value)
            return 0;
    return 1;
}

static int print_shared_verdict(const struct sc_demo_process *processes,
                                size_t count, int64_t before, int64_t after,
                                struct exact moved)
{
    char total[41];
    /* The counter wraps, so the expected value wraps the same way. */
    int64_t expected = sc__wrapping_add(before, (int64_t)moved.lo);
    int ok = workers_ok(processes, count) && after == expected;

    printf("shared counter (" SC_LIBRARY_NAME "): %" PRId64 " -> %" PRId64
           " (expected %s%s: ",
           before, after, exact_format(moved, total), wrap_note(before, moved));
    if (ok)
        puts("OK)");
    else
        printf("MISMATCH, off by %+" PRId64 ")\n",
               sc__wrapping_sub(after, expected));
    if (!ok && workers_ok(processes, count))
        puts("(a process outside this demo may have used " SC_LIBRARY_NAME
             " at the same time)");
    return ok;
}

static int print_private_verdict(const struct sc_demo_plan *plan,
                                 const struct sc_demo_process *processes,
                                 size_t count, struct exact per_process)
{
    char total[41];
    int64_t expected = (int64_t)per_process.lo, missed = 0;
    const char *wraps = wrap_note(0, per_process);

    for (size_t i = 0; i < count; i++)
        missed += !processes[i].shared && !private_ok(&processes[i], expected);
    if (missed > 0) {
        printf("private baseline: MISMATCH: %" PRId64 " of %" PRId64
               " %s did not end at %" PRId64 "\n",
               missed, plan->clients,
               plural(plan->clients, "process", "processes"), expected);
        return 0;
    }
    if (plan->clients == 1)
        printf("private baseline: its one process ended at %" PRId64, expected);
    else
        printf("private baseline: each of %" PRId64
               " processes ended at %" PRId64,
               plan->clients, expected);
    if (*wraps != '\0')
        printf(" (%s%s; ", exact_format(per_process, total), wraps);
    else
        printf(" (");
    puts(plan->clients == 1 ? "it had no others to see)"
                            : "none saw the others)");
    return 1;
}

int sc__demo_report(const struct sc_demo_plan *plan,
                    const struct sc_demo_process *processes, size_t count,
                    int64_t before, int64_t after)
{
    struct exact per_process =
        exact_mul(exact_from(plan->delta), (uint32_t)plan->times);
    struct exact moved = exact_mul(per_process, (uint32_t)plan->clients);

    print_plan(plan);
    print_table(processes, count, (int64_t)per_process.lo);
    int shared_ok =
        print_shared_verdict(processes, count, before, after, moved);
    int baseline_ok =
        print_private_verdict(plan, processes, count, per_process);
    return shared_ok && baseline_ok ? 0 : 1;
}
