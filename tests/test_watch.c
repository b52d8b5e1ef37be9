/*
 * counter_watch's snapshots for scripts: --once as text and --json, each
 * checked against what this process sees of the counter and of the
 * processes that have the DLL loaded (this one among them), and its
 * refusals of bad usage.
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

#include "client.h"
#include "saved_counter.h"
#include "sharedcounter.h"
#include "support_clients.h"

static void watch(struct sc_test_run *run, const char *args)
{
    char path[MAX_PATH];

    sc__test_path(path, sizeof path, NULL, "counter_watch.exe");
    sc__test_run(run, path, args, "", 0);
}

/* The first line of out that starts with prefix (at_start) or holds it;
 * fails the test if none does. */
static const char *find_line(const char *out, const char *part, int at_start)
{
    for (const char *line = out; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        const char *at = strstr(line, part);
        if (at == line || (!at_start && at != NULL && at < line + len))
            return line;
        line += len;
        line += *line == '\n';
    }
    fail_msg("no line %s \"%s\" in:\n%s", at_start ? "starting" : "with",
             part, out);
    return NULL;
}

static long long number_after(const char *text, const char *prefix)
{
    const char *at = strstr(text, prefix);

    if (at == NULL)
        fail_msg("\"%s\" not found in:\n%s", prefix, text);
    return strtoll(at + strlen(prefix), NULL, 10);
}

/* The process line of pid in --once's table: "<pid>  <attached>  <name>". */
static const char *process_line(const char *out, DWORD pid)
{
    char prefix[32];

    snprintf(prefix, sizeof prefix, "%8lu  ", (unsigned long)pid);
    return find_line(out, prefix, 1);
}

static void assert_line_has(const char *line, const char *part)
{
    char copy[512];
    size_t len = strcspn(line, "\r\n");

    assert_true(len < sizeof copy);
    memcpy(copy, line, len);
    copy[len] = '\0';
    sc__test_assert_contains(copy, part);
}

static void test_once_shows_the_value_and_the_processes(void **state)
{
    (void)state;
    struct sc_test_run run;
    int64_t value;

    sc_exchange(4242);
    watch(&run, "--once");
    assert_int_equal(run.exit_code, 0);
    const char *out = run.output.out;
    assert_int_equal(sc__last_value(out, &value), 0);
    assert_int_equal(value, 4242);
    assert_int_equal(number_after(out, "ops/s: "), 0);
    /* This process and the watcher hold the DLL at least. */
    assert_true(number_after(out, "processes: ") >= 2);
    assert_line_has(process_line(out, GetCurrentProcessId()),
                    "test_watch.exe");
    assert_line_has(find_line(out, "(this)", 0), "counter_watch.exe");
    sc__test_run_free(&run);
}

/* A worker that adds while the watcher looks: a rate above 0, and the
 * worker listed with how long it has been attached. */
static void test_once_shows_a_running_worker(void **state)
{
    (void)state;
    char path[MAX_PATH];
    struct sc_child worker;
    struct sc_test_run run;
    int64_t before = sc_get();

    sc__test_path(path, sizeof path, NULL, "counter_worker.exe");
    assert_int_equal(sc__child_start(&worker, path, "--times 100000000000",
                                     SC_CHILD_PIPE_OUTPUT),
                     0);
    while (sc_get() == before)
        Sleep(1);
    watch(&run, "--once --interval 200");
    TerminateProcess(worker.process, 1);
    WaitForSingleObject(worker.process, INFINITE);
    assert_int_equal(run.exit_code, 0);
    assert_true(number_after(run.output.out, "ops/s: ") > 0);
    const char *line = process_line(run.output.out, worker.pid);
    assert_line_has(line, "counter_worker.exe");
    assert_line_has(line, " s ");
    sc__child_close(&worker);
    sc__test_run_free(&run);
}

static void test_json_gives_the_same_snapshot(void **state)
{
    (void)state;
    struct sc_test_run run;
    char own[128];

    sc_exchange(-77);
    watch(&run, "--json");
    assert_int_equal(run.exit_code, 0);
    const char *out = run.output.out;
    assert_int_equal(out[0], '{');
    assert_int_equal(number_after(out, "\"counter\": "), -77);
    assert_int_equal(number_after(out, "\"ops_per_second\": "), 0);
    assert_int_equal(number_after(out, "\"interval_ms\": "), 100);
    assert_true(number_after(out, "\"process_count\": ") >= 2);
    snprintf(own, sizeof own,
             "{\"pid\": %lu, \"program\": \"test_watch.exe\", \"self\": "
             "false, \"attached_ms\": ",
             (unsigned long)GetCurrentProcessId());
    sc__test_assert_contains(out, own);
    sc__test_assert_contains(out, "\"program\": \"counter_watch.exe\", "
                                  "\"self\": true, \"attached_ms\": null}");
    sc__test_assert_contains(out, "]\r\n}\r\n");
    sc__test_run_free(&run);
}

struct refusal {
    const char *args;
    const char *message;
};

static void test_bad_usage_is_refused(void **state)
{
    (void)state;
    static const struct refusal refusals[] = {
        {"--once --json", "counter_watch: --once and --json exclude each other"},
        {"--interval 5", "counter_watch: --interval 5 is out of range"},
        {"--interval", "counter_watch: --interval needs a value"},
        {"--twice", "counter_watch: unknown option \"--twice\""},
        /* Run from a test, stdout is a pipe. */
        {"", "counter_watch: the live view needs a console"},
    };

    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct sc_test_run run;
        watch(&run, refusals[i].args);
        assert_int_equal(run.exit_code, 2);
        sc__test_assert_contains(run.output.err, refusals[i].message);
        sc__test_assert_contains(run.output.err, "Try 'counter_watch --help'.");
        assert_string_equal(run.output.out, "");
        sc__test_run_free(&run);
    }
}

static void test_help_and_version(void **state)
{
    (void)state;
    struct sc_test_run run;

    watch(&run, "--help");
    assert_int_equal(run.exit_code, 0);
    sc__test_assert_contains(run.output.out, "usage: counter_watch");
    sc__test_assert_contains(run.output.out, "--json");
    sc__test_run_free(&run);
    watch(&run, "--version");
    assert_int_equal(run.exit_code, 0);
    sc__test_assert_contains(run.output.out, "counter_watch " SC_VERSION_STRING);
    sc__test_assert_contains(run.output.out, "sharedcounter.dll");
    sc__test_run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_once_shows_the_value_and_the_processes),
        cmocka_unit_test(test_once_shows_a_running_worker),
        cmocka_unit_test(test_json_gives_the_same_snapshot),
        cmocka_unit_test(test_bad_usage_is_refused),
        cmocka_unit_test(test_help_and_version),
    };
    return cmocka_run_group_tests(tests, sc__save_counter,
                                  sc__restore_counter);
}
