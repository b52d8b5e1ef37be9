/* Many threads of one process update the counter at once: no update is lost,
 * and each thread sees its own increments return strictly rising values. One
 * program for both systems; on Windows it also runs against the racy build,
 * where it must report the updates lost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sharedcounter.h"
#include "support.h"

enum { THREADS = 8, ROUNDS = 200000 };

struct worker {
    int64_t delta;    /* 0: sc_increment; otherwise sc_add(delta) */
    int out_of_order; /* increments whose result was not above the last */
};

static void run_worker(void *arg)
{
    struct worker *w = arg;
    int64_t first = 0;
    uint64_t last_step = 0;

    for (int i = 0; i < ROUNDS; i++) {
        if (w->delta != 0) {
            sc_add(w->delta);
            continue;
        }
        int64_t now = sc_increment();
        /* Distances from the first value, in unsigned arithmetic, keep
         * rising even if the counter wraps past INT64_MAX meanwhile. */
        if (i == 0)
            first = now;
        uint64_t step = (uint64_t)sc__wrapping_sub(now, first);
        if (i > 0 && step <= last_step)
            w->out_of_order++;
        last_step = step;
    }
}

/* Runs THREADS workers, the i-th with delta deltas[i], and returns how far
 * the counter moved (wrapping, should it pass INT64_MAX). */
static int64_t run_threads(struct worker workers[THREADS])
{
    int64_t before = sc_get();

    sc__test_threads_run(run_worker, workers, sizeof workers[0], THREADS);
    return sc__wrapping_sub(sc_get(), before);
}

static void increments_from_many_threads_all_count(void **state)
{
    struct worker workers[THREADS] = {{0}};
    (void)state;

    int64_t moved = run_threads(workers);
    int64_t expected = (int64_t)THREADS * ROUNDS;
    if (moved != expected)
        fail_msg("counter moved by %lld, expected %lld: %lld updates lost",
                 (long long)moved, (long long)expected,
                 (long long)sc__wrapping_sub(expected, moved));
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(workers[i].out_of_order, 0);
}

static void mixed_adds_from_many_threads_sum_exactly(void **state)
{
    struct worker workers[THREADS] = {{0}};
    int64_t expected = 0;
    (void)state;

    for (int i = 0; i < THREADS; i++) {
        /* Half the threads add, half subtract, by different amounts. */
        workers[i].delta = (i % 2 ? -1 : 1) * (int64_t)(i + 1) * 1000003;
        expected = sc__wrapping_add(expected,
                                    sc__wrapping_mul(workers[i].delta, ROUNDS));
    }
    assert_int_equal(run_threads(workers), expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(increments_from_many_threads_all_count),
        cmocka_unit_test(mixed_adds_from_many_threads_sum_exactly),
    };
    sc__test_filter_from_environment();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
