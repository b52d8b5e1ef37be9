/* Every API function of libsharedcounter.so, in this process and from
 * several threads at once. The test holds the library file that the clients
 * use too, so it runs alone (lock native_counter): each test starts from 0
 * and this process alone in the table, and its teardown puts back the value
 * the counter held, even after a failed assertion. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "sharedcounter.h"
#include "support.h"

enum { THREADS = 4, PER_THREAD = 250000 };

static int64_t saved;

static int start_from_zero(void **state)
{
    (void)state;
    saved = sc_exchange(0);
    return 0;
}

static int restore(void **state)
{
    (void)state;
    sc_exchange(saved);
    return 0;
}

static void each_update_returns_the_new_value(void **state)
{
    (void)state;
    assert_int_equal(sc_increment(), 1);
    assert_int_equal(sc_decrement(), 0);
    assert_int_equal(sc_add(40), 40);
    assert_int_equal(sc_add(-42), -2);
    assert_int_equal(sc_get(), -2);
}

static void exchange_returns_the_old_value(void **state)
{
    (void)state;
    assert_int_equal(sc_exchange(1234), 0);
    assert_int_equal(sc_get(), 1234);
    assert_int_equal(sc_exchange(-5), 1234);
    assert_int_equal(sc_get(), -5);
}

static void compare_exchange_replaces_only_on_a_match(void **state)
{
    (void)state;
    assert_int_equal(sc_compare_exchange(1, 99), 0);
    assert_int_equal(sc_get(), 0);
    assert_int_equal(sc_compare_exchange(0, 7), 0);
    assert_int_equal(sc_get(), 7);
}

static void arithmetic_wraps_at_both_ends(void **state)
{
    (void)state;
    assert_int_equal(sc_exchange(INT64_MAX), 0);
    assert_int_equal(sc_increment(), INT64_MIN);
    assert_int_equal(sc_decrement(), INT64_MAX);
    assert_int_equal(sc_add(2), INT64_MIN + 1);
    assert_int_equal(sc_add(-3), INT64_MAX - 1);
}

static void version_matches_the_header(void **state)
{
    (void)state;
    assert_int_equal(sc_version(), SC_VERSION_HEX);
}

/* This process alone, then 0 in every entry that got no id; nothing
 * beyond capacity. */
static void processes_lists_this_process(void **state)
{
    uint32_t pids[SC_PROCESS_SLOTS + 1];

    (void)state;
    for (int i = 0; i <= SC_PROCESS_SLOTS; i++)
        pids[i] = UINT32_MAX;
    assert_int_equal(sc_processes(pids, SC_PROCESS_SLOTS), 1);
    assert_int_equal(pids[0], (uint32_t)getpid());
    for (int i = 1; i < SC_PROCESS_SLOTS; i++)
        assert_int_equal(pids[i], 0);
    assert_int_equal(pids[SC_PROCESS_SLOTS], UINT32_MAX);
    assert_int_equal(sc_processes(NULL, 0), 1);
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
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(
            pthread_create(&threads[i], NULL, increment_many, &rises[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_true(rises[i]);
    }
    assert_int_equal(sc_get(), THREADS * PER_THREAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(each_update_returns_the_new_value,
                                        start_from_zero, restore),
        cmocka_unit_test_setup_teardown(exchange_returns_the_old_value,
                                        start_from_zero, restore),
        cmocka_unit_test_setup_teardown(
            compare_exchange_replaces_only_on_a_match, start_from_zero,
            restore),
        cmocka_unit_test_setup_teardown(arithmetic_wraps_at_both_ends,
                                        start_from_zero, restore),
        cmocka_unit_test_setup_teardown(version_matches_the_header,
                                        start_from_zero, restore),
        cmocka_unit_test_setup_teardown(processes_lists_this_process,
                                        start_from_zero, restore),
        cmocka_unit_test_setup_teardown(threads_lose_no_update, start_from_zero,
                                        restore),
    };
    sc__test_filter_from_environment();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
