/* Every API function of libsharedcounter.so, in this process and from
 * several threads at once. The test holds the library file that the clients
 * use too, so it runs alone (lock native_counter) and restores nothing: each
 * check works from the value it finds. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "sharedcounter.h"

enum { THREADS = 4, PER_THREAD = 250000 };

static void each_update_returns_the_new_value(void **state)
{
    (void)state;
    int64_t start = sc_get();
    assert_int_equal(sc_increment(), start + 1);
    assert_int_equal(sc_decrement(), start);
    assert_int_equal(sc_add(40), start + 40);
    assert_int_equal(sc_add(-42), start - 2);
    assert_int_equal(sc_get(), start - 2);
}

static void exchange_returns_the_old_value(void **state)
{
    (void)state;
    int64_t start = sc_get();
    assert_int_equal(sc_exchange(1234), start);
    assert_int_equal(sc_get(), 1234);
    assert_int_equal(sc_exchange(start), 1234);
}

static void compare_exchange_replaces_only_on_a_match(void **state)
{
    (void)state;
    int64_t start = sc_get();
    assert_int_equal(sc_compare_exchange(start + 1, 99), start);
    assert_int_equal(sc_get(), start);
    assert_int_equal(sc_compare_exchange(start, start + 7), start);
    assert_int_equal(sc_get(), start + 7);
}

static void arithmetic_wraps_at_both_ends(void **state)
{
    (void)state;
    int64_t start = sc_exchange(INT64_MAX);
    assert_int_equal(sc_increment(), INT64_MIN);
    assert_int_equal(sc_decrement(), INT64_MAX);
    assert_int_equal(sc_add(2), INT64_MIN + 1);
    assert_int_equal(sc_add(-3), INT64_MAX - 1);
    sc_exchange(start);
}

static void version_matches_the_header(void **state)
{
    (void)state;
    assert_int_equal(sc_version(), SC_VERSION_HEX);
}

static void processes_lists_this_process(void **state)
{
    uint32_t pids[SC_PROCESS_SLOTS];

    (void)state;
    uint32_t count = sc_processes(pids, SC_PROCESS_SLOTS);
    assert_true(count >= 1);
    assert_int_equal(sc_processes(NULL, 0), count);
    int seen = 0;
    for (uint32_t i = 0; i < count && i < SC_PROCESS_SLOTS; i++)
        seen |= pids[i] == (uint32_t)getpid();
    assert_true(seen);
}

/* Each thread's returned values rise strictly; no increment is lost. */
static void *increment_many(void *arg)
{
    int64_t last = INT64_MIN, *rises = arg;

    *rises = 1;
    for (int i = 0; i < PER_THREAD; i++) {
        int64_t now = sc_increment();
        if (i > 0 && now <= last)
            *rises = 0;
        last = now;
    }
    return NULL;
}

static void threads_lose_no_update(void **state)
{
    pthread_t threads[THREADS];
    int64_t rises[THREADS];

    (void)state;
    int64_t start = sc_get();
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(
            pthread_create(&threads[i], NULL, increment_many, &rises[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_true(rises[i]);
    }
    assert_int_equal(sc_get(), start + THREADS * PER_THREAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_update_returns_the_new_value),
        cmocka_unit_test(exchange_returns_the_old_value),
        cmocka_unit_test(compare_exchange_replaces_only_on_a_match),
        cmocka_unit_test(arithmetic_wraps_at_both_ends),
        cmocka_unit_test(version_matches_the_header),
        cmocka_unit_test(processes_lists_this_process),
        cmocka_unit_test(threads_lose_no_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
