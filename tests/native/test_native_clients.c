/*
 * The programs of clients/ built for Linux, run as child processes from
 * their build folder: counter_demo's exact totals and its time limit, two
 * counter_client sessions on one value, counter_dynamic beside a linked
 * client, counter_worker on a named counter, private_counter against
 * shared_exe_counter, and every program's --help, --version and bad usage.
 * They use the built libsharedcounter.so, as the programs do, so the suite
 * holds the lock native_counter.
 */
#define _GNU_SOURCE

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"
#include "sharedcounter.h"

enum { OUTPUT_SIZE = 8192 };

static const char *const programs[] = {
    "counter_client",  "counter_worker",     "counter_dynamic",
    "private_counter", "shared_exe_counter", "counter_demo",
    "counter_watch",   "counter_wait",
};

/* The value of a line "counter: V" or "counter: V (...)". */
static int64_t value_of(const char *line)
{
    int64_t value;

    if (sscanf(line, "counter: %" SCNd64, &value) != 1)
        fail_msg("not a value line: \"%s\"", line);
    return value;
}

/* Sends one command line to an interactive client; returns its reply. */
static int64_t command(struct sc_test_child *proc, const char *line,
                       char *reply, size_t size)
{
    size_t len = strlen(line);

    assert_int_equal(write(proc->in, line, len), (ssize_t)len);
    assert_int_equal(write(proc->in, "\n", 1), 1);
    sc__test_child_line(proc, reply, size);
    return value_of(reply);
}

static int64_t first_value(struct sc_test_child *proc)
{
    char line[128];

    sc__test_child_line(proc, line, sizeof line);
    return value_of(line);
}

static void finish_ok(struct sc_test_child *proc)
{
    int status = sc__test_child_finish(proc, NULL, 0);

    if (status != 0)
        fail_msg("a client exited with %d: %s", status, proc->errors);
}

/* ---- counter_demo ------------------------------------------------------- */

static void demo_totals_are_exact(void **state)
{
    const int64_t clients = 4, times = 20000, delta = -3;
    char out[OUTPUT_SIZE], k[24], n[24], d[24], expected[160];
    int64_t before, after;
    struct sc_test_child demo;

    (void)state;
    snprintf(k, sizeof k, "%" PRId64, clients);
    snprintf(n, sizeof n, "%" PRId64, times);
    snprintf(d, sizeof d, "%" PRId64, delta);
    sc__test_child_start_in(&demo, SC_CLIENTS_DIR, "counter_demo", "--clients",
                            k, "--times", n, "--delta", d, NULL);
    int status = sc__test_child_finish(&demo, out, sizeof out);
    if (status != 0)
        fail_msg("counter_demo exited with %d:\n%s%s", status, out,
                 demo.errors);
    const char *verdict = strstr(out, "shared counter (libsharedcounter.so): ");
    assert_non_null(verdict);
    assert_int_equal(sscanf(verdict,
                            "shared counter (libsharedcounter.so): "
                            "%" SCNd64 " -> %" SCNd64,
                            &before, &after),
                     2);
    assert_true(sc__wrapping_sub(after, before) == clients * times * delta);
    snprintf(expected, sizeof expected,
             "private baseline: each of %" PRId64 " processes ended at %" PRId64
             " (none saw the others)",
             clients, times * delta);
    assert_non_null(strstr(out, expected));
    assert_string_equal(demo.errors, "");
}

static void demo_kills_at_the_time_limit(void **state)
{
    char out[OUTPUT_SIZE];
    struct sc_test_child demo;

    (void)state;
    sc__test_child_start_in(&demo, SC_CLIENTS_DIR, "counter_demo", "--clients",
                            "1", "--times", "1000000000", "--timeout", "1",
                            NULL);
    assert_int_equal(sc__test_child_finish(&demo, out, sizeof out), 1);
    assert_non_null(strstr(demo.errors, "counter_demo: killed counter_worker"
                                        " (pid "));
    assert_non_null(strstr(demo.errors, "still running at the time limit of "
                                        "1 second\n"));
    assert_non_null(strstr(out, "(killed at the time limit)"));
}

/* ---- the interactive clients -------------------------------------------- */

static void two_client_sessions_share_the_value(void **state)
{
    struct sc_test_child a, b;
    char reply[128], note[128];

    (void)state;
    sc__test_child_start_in(&a, SC_CLIENTS_DIR, "counter_client", NULL);
    int64_t start_value = first_value(&a);
    assert_true(command(&a, "5", reply, sizeof reply) ==
                sc__wrapping_add(start_value, 5));
    sc__test_child_start_in(&b, SC_CLIENTS_DIR, "counter_client", NULL);
    assert_true(first_value(&b) == sc__wrapping_add(start_value, 5));
    assert_true(command(&b, "+7", reply, sizeof reply) ==
                sc__wrapping_add(start_value, 12));
    int64_t seen = command(&a, "=", reply, sizeof reply);
    assert_true(seen == sc__wrapping_add(start_value, 12));
    snprintf(note, sizeof note,
             "counter: %" PRId64 " (+7 from other processes)", seen);
    assert_string_equal(reply, note);
    finish_ok(&b);
    finish_ok(&a);
}

static void dynamic_client_shares_with_a_linked_one(void **state)
{
    struct sc_test_child holder, dynamic;
    char out[256], reply[128];

    (void)state;
    sc__test_child_start_in(&holder, SC_CLIENTS_DIR, "counter_client", NULL);
    int64_t start_value = first_value(&holder);
    sc__test_child_start_in(&dynamic, SC_CLIENTS_DIR, "counter_dynamic",
                            "--times", "10", "--delta", "2", NULL);
    assert_int_equal(sc__test_child_finish(&dynamic, out, sizeof out), 0);
    assert_true(value_of(out) == sc__wrapping_add(start_value, 20));
    assert_true(command(&holder, "=", reply, sizeof reply) ==
                sc__wrapping_add(start_value, 20));
    assert_non_null(strstr(reply, "(+20 from other processes)"));
    finish_ok(&holder);
}

/* counter_worker --name adds to that named counter and leaves the default
 * one alone; a name the table refuses exits 1 and prints nothing. A
 * counter_client session holds the library, so that the table stays between
 * the workers. */
static void worker_adds_to_a_named_counter(void **state)
{
    struct sc_test_child holder, worker;
    char out[256], reply[128];
    int64_t seen[2];

    (void)state;
    sc__test_child_start_in(&holder, SC_CLIENTS_DIR, "counter_client", NULL);
    int64_t start_value = first_value(&holder);
    for (int i = 0; i < 2; i++) {
        sc__test_child_start_in(&worker, SC_CLIENTS_DIR, "counter_worker",
                                "--name", "jobs_total{queue=\"a\"}", "--times",
                                "3", "--delta", "5", NULL);
        assert_int_equal(sc__test_child_finish(&worker, out, sizeof out), 0);
        seen[i] = value_of(out);
    }
    assert_true(seen[1] == sc__wrapping_add(seen[0], 15));
    assert_true(command(&holder, "=", reply, sizeof reply) == start_value);

    sc__test_child_start_in(&worker, SC_CLIENTS_DIR, "counter_worker", "--name",
                            "jobs_total{queue=a}", NULL);
    assert_int_equal(sc__test_child_finish(&worker, out, sizeof out), 1);
    assert_string_equal(out, "");
    assert_string_equal(worker.errors,
                        "counter_worker: cannot open the counter "
                        "\"jobs_total{queue=a}\": not a valid name, or the "
                        "table is full\n");
    finish_ok(&holder);
}

/* Two of the same program at once, each adding 5 interactively: how far
 * the counter each saw moved from where the first started. The second
 * sees the first's 5 only when the variable is shared. */
static void pair_adds_five_each(const char *name, uint64_t *first,
                                uint64_t *second)
{
    struct sc_test_child a, b;
    char reply[128];

    sc__test_child_start_in(&a, SC_CLIENTS_DIR, name, NULL);
    uint64_t start_value = (uint64_t)first_value(&a);
    *first = (uint64_t)command(&a, "5", reply, sizeof reply) - start_value;
    sc__test_child_start_in(&b, SC_CLIENTS_DIR, name, NULL);
    first_value(&b);
    *second = (uint64_t)command(&b, "5", reply, sizeof reply) - start_value;
    finish_ok(&b);
    finish_ok(&a);
}

static void private_counters_never_share_and_shared_exe_ones_do(void **state)
{
    uint64_t first, second;

    (void)state;
    pair_adds_five_each("private_counter", &first, &second);
    assert_int_equal(first, 5);
    assert_int_equal(second, 5);
    pair_adds_five_each("shared_exe_counter", &first, &second);
    assert_int_equal(first, 5);
    assert_int_equal(second, 10);
}

/* ---- the command line --------------------------------------------------- */

static int library_client(const char *name)
{
    return strcmp(name, "counter_client") == 0 ||
           strcmp(name, "counter_worker") == 0 ||
           strcmp(name, "counter_dynamic") == 0 ||
           strcmp(name, "counter_watch") == 0 ||
           strcmp(name, "counter_wait") == 0;
}

static void every_program_answers_help_and_version(void **state)
{
    char out[OUTPUT_SIZE], expected[OUTPUT_SIZE], library[4096];
    struct sc_test_child proc;

    (void)state;
    assert_non_null(realpath(SC_LIBRARY_FILE, library));
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        const char *name = programs[i];
        sc__test_child_start_in(&proc, SC_CLIENTS_DIR, name, "--help", NULL);
        assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 0);
        snprintf(expected, sizeof expected, "usage: %s", name);
        assert_memory_equal(out, expected, strlen(expected));
        assert_non_null(strstr(out, "--version"));

        sc__test_child_start_in(&proc, SC_CLIENTS_DIR, name, "--version", NULL);
        assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 0);
        if (library_client(name))
            snprintf(expected, sizeof expected,
                     "%s %s\nLibrary version: %s\nLibrary path:    %s\n", name,
                     SC_VERSION_STRING, SC_VERSION_STRING, library);
        else
            snprintf(expected, sizeof expected, "%s %s\n", name,
                     SC_VERSION_STRING);
        assert_string_equal(out, expected);
        assert_string_equal(proc.errors, "");
    }
}

static void bad_usage_exits_2(void **state)
{
    char out[OUTPUT_SIZE], expected[256];
    struct sc_test_child proc;

    (void)state;
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        const char *name = programs[i];
        sc__test_child_start_in(&proc, SC_CLIENTS_DIR, name, "--bogus", NULL);
        assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 2);
        assert_string_equal(out, "");
        snprintf(expected, sizeof expected,
                 "%s: unknown option \"--bogus\"\nTry '%s --help'.\n", name,
                 name);
        assert_string_equal(proc.errors, expected);
    }
    sc__test_child_start_in(&proc, SC_CLIENTS_DIR, "counter_demo", "--clients",
                            "0", NULL);
    assert_int_equal(sc__test_child_finish(&proc, out, sizeof out), 2);
    assert_non_null(strstr(proc.errors, "--clients 0 is out of range"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_totals_are_exact),
        cmocka_unit_test(demo_kills_at_the_time_limit),
        cmocka_unit_test(two_client_sessions_share_the_value),
        cmocka_unit_test(dynamic_client_shares_with_a_linked_one),
        cmocka_unit_test(worker_adds_to_a_named_counter),
        cmocka_unit_test(private_counters_never_share_and_shared_exe_ones_do),
        cmocka_unit_test(every_program_answers_help_and_version),
        cmocka_unit_test(bad_usage_exits_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
