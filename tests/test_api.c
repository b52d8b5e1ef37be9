/* Unit tests of every API function, in one process, in one program for
 * both systems. It runs alone with its build of the library (its lock), so
 * this process is the only one in the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sharedcounter.h"
#include "support.h"

static void version_matches_header(void **state)
{
    (void)state;
    assert_int_equal(sc_version(), SC_VERSION_HEX);
}

static void get_reads_what_exchange_wrote(void **state)
{
    (void)state;
    sc_exchange(12345);
    assert_int_equal(sc_get(), 12345);
    sc_exchange(-7);
    assert_int_equal(sc_get(), -7);
}

static void increment_returns_new_value(void **state)
{
    (void)state;
    sc_exchange(41);
    assert_int_equal(sc_increment(), 42);
    assert_int_equal(sc_increment(), 43);
    assert_int_equal(sc_get(), 43);
}

static void decrement_returns_new_value(void **state)
{
    (void)state;
    sc_exchange(1);
    assert_int_equal(sc_decrement(), 0);
    assert_int_equal(sc_decrement(), -1);
    assert_int_equal(sc_get(), -1);
}

static void add_returns_new_value(void **state)
{
    (void)state;
    sc_exchange(100);
    assert_int_equal(sc_add(5), 105);
    assert_int_equal(sc_add(-205), -100);
    assert_int_equal(sc_add(0), -100);
    assert_int_equal(sc_get(), -100);
}

static void exchange_returns_old_value(void **state)
{
    (void)state;
    sc_exchange(9);
    assert_int_equal(sc_exchange(0), 9);
    assert_int_equal(sc_exchange(INT64_MIN), 0);
    assert_int_equal(sc_get(), INT64_MIN);
}

static void compare_exchange_replaces_only_on_match(void **state)
{
    (void)state;
    sc_exchange(10);
    assert_int_equal(sc_compare_exchange(11, 50), 10);
    assert_int_equal(sc_get(), 10);
    assert_int_equal(sc_compare_exchange(10, 50), 10);
    assert_int_equal(sc_get(), 50);
}

static void increment_wraps_at_max(void **state)
{
    (void)state;
    sc_exchange(INT64_MAX);
    assert_int_equal(sc_increment(), INT64_MIN);
    assert_int_equal(sc_decrement(), INT64_MAX);
}

static void add_wraps_both_ways(void **state)
{
    (void)state;
    sc_exchange(INT64_MAX - 1);
    assert_int_equal(sc_add(3), INT64_MIN + 1);
    assert_int_equal(sc_add(-2), INT64_MAX);
    sc_exchange(INT64_MIN);
    assert_int_equal(sc_add(INT64_MIN), 0);
    assert_int_equal(sc_add(INT64_MAX), INT64_MAX);
    assert_int_equal(sc_add(INT64_MAX), -2);
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
    assert_int_equal(pids[0], sc__test_pid());
    for (int i = 1; i < SC_PROCESS_SLOTS; i++)
        assert_int_equal(pids[i], 0);
    assert_int_equal(pids[SC_PROCESS_SLOTS], UINT32_MAX);
    assert_int_equal(sc_processes(NULL, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_matches_header),
        cmocka_unit_test(get_reads_what_exchange_wrote),
        cmocka_unit_test(increment_returns_new_value),
        cmocka_unit_test(decrement_returns_new_value),
        cmocka_unit_test(add_returns_new_value),
        cmocka_unit_test(exchange_returns_old_value),
        cmocka_unit_test(compare_exchange_replaces_only_on_match),
        cmocka_unit_test(increment_wraps_at_max),
        cmocka_unit_test(add_wraps_both_ways),
        cmocka_unit_test(processes_lists_this_process),
    };
    sc__test_filter_from_environment();
    return cmocka_run_group_tests(tests, sc__save_counter, sc__restore_counter);
}
