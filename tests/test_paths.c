/*
 * The programs, run from a folder whose path is hard for Windows programs:
 * named with characters outside every ANSI code page (accented, CJK, an
 * emoji), and with "--long", longer than MAX_PATH as well. Each program is
 * copied there with the DLL and must work from there as from bin/.
 *
 * The folder has a copy of sharedcounter.dll, with a counter of its own:
 * the values here are relative to what a client first sees.
 *
 * Wine (8.0) cannot start a program whose path is longer than MAX_PATH, in
 * any form ("\\?\", 8.3 or plain); there the "--long" cases are skipped,
 * saying so. Windows 10 and later can, and there they must pass.
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

#include "child_process.h"
#include "runner.h"
#include "options.h"
#include "support.h"
#include "text_paths.h"

static const char *const files[] = {
    "counter_demo.exe",   "counter_worker.exe",  "private_counter.exe",
    "counter_client.exe", "counter_dynamic.exe", "shared_exe_counter.exe",
    "sectiondump.exe",    "sharedcounter.dll",
};
enum { FILE_COUNT = sizeof files / sizeof files[0] };

/* "Ünïcødé-日本語-😀": no ANSI code page has them all. */
#define UNICODE_NAME "\u00dcn\u00efc\u00f8d\u00e9-\u65e5\u672c\u8a9e-\U0001F600"
/* Fifty characters; LEVELS of them take a path past MAX_PATH from any
 * folder. */
#define LEVEL_NAME "a-folder-name-fifty-characters-long-for-long-paths"
enum { LEVELS = 6 };

struct folder {
    char *dir;              /* UTF-8, with a trailing backslash */
    char *made[LEVELS + 1]; /* the folders made, outermost first */
    int made_count;
    const char *unusable; /* why no program can run from it, or NULL */
};

static struct folder folder;
static int long_path; /* "--long" */

static char *join(const char *a, const char *b)
{
    char *joined = malloc(strlen(a) + strlen(b) + 1);

    if (joined != NULL) {
        strcpy(joined, a);
        strcat(joined, b);
    }
    return joined;
}

/* Makes the folder path (a new string, which f then owns). */
static int make_dir(struct folder *f, char *path)
{
    wchar_t *wide = path != NULL ? sc__wide_path(path) : NULL;
    int ok = wide != NULL && CreateDirectoryW(wide, NULL);

    free(wide);
    if (!ok) {
        fprintf(stderr, "test_paths: cannot make %s (error %lu)\n",
                path ? path : "a folder", (unsigned long)GetLastError());
        free(path);
        return -1;
    }
    f->made[f->made_count++] = path;
    f->dir = path;
    return 0;
}

static int copy_in(const struct folder *f, const char *file)
{
    char programs[MAX_PATH];
    sc__test_path(programs, sizeof programs, NULL, "");
    char *from = join(programs, file), *to = join(f->dir, file);
    wchar_t *wide_from = from ? sc__wide_path(from) : NULL;
    wchar_t *wide_to = to ? sc__wide_path(to) : NULL;
    int ok = wide_from && wide_to && CopyFileW(wide_from, wide_to, TRUE);

    if (!ok)
        fprintf(stderr, "test_paths: cannot copy %s to %s (error %lu)\n", file,
                to ? to : "its folder", (unsigned long)GetLastError());
    free(wide_to);
    free(wide_from);
    free(to);
    free(from);
    return ok ? 0 : -1;
}

static char *temp_dir(void)
{
    wchar_t wide[MAX_PATH + 1];
    DWORD len = GetTempPathW(MAX_PATH + 1, wide);

    return len > 0 && len <= MAX_PATH ? sc__utf8_from_wide(wide) : NULL;
}

/* Makes the test's folder under %TEMP%: one named in Unicode, and for
 * "--long" LEVELS more levels below it. */
static int make_folder(void)
{
    char name[64], *temp = temp_dir();

    if (temp == NULL)
        return -1;
    /* The time tells this run's folder from any a crashed run left. */
    snprintf(name, sizeof name, "sc-paths-%lu-%llu-",
             (unsigned long)GetCurrentProcessId(),
             (unsigned long long)sc__clock_us());
    char *base = join(temp, name);
    free(temp);
    if (base == NULL)
        return -1;
    int err = make_dir(&folder, join(base, UNICODE_NAME "\\"));
    free(base);
    for (int i = 0; err == 0 && long_path && i < LEVELS; i++)
        err = make_dir(&folder, join(folder.dir, LEVEL_NAME "\\"));
    if (err == 0 && long_path && strlen(folder.dir) <= MAX_PATH) {
        fprintf(stderr, "test_paths: %s is not long enough\n", folder.dir);
        err = -1;
    }
    return err;
}

static int under_wine(void)
{
    return sc__find_function(GetModuleHandleW(L"ntdll.dll"),
                             "wine_get_version") != NULL;
}

/* Under Wine, a program that cannot start from the long folder marks it
 * unusable; anywhere else, and from the short non-ANSI folder everywhere,
 * that is for the tests to fail on. */
static void check_usable(void)
{
    struct sc_child child;
    char *program = join(folder.dir, "private_counter.exe");
    DWORD err = program != NULL
                    ? sc__child_start_in_job(&child, program, "--help", 0)
                    : ERROR_NOT_ENOUGH_MEMORY;

    static char why[96];

    if (err == 0) {
        sc__child_close(&child);
    } else if (long_path && under_wine()) {
        snprintf(why, sizeof why,
                 "Wine cannot start a program from a path longer than "
                 "MAX_PATH (error %lu)",
                 (unsigned long)err);
        folder.unusable = why;
    }
    free(program);
}

static int group_setup(void **state)
{
    (void)state;
    if (make_folder() != 0)
        return -1;
    for (int j = 0; j < FILE_COUNT; j++)
        if (copy_in(&folder, files[j]) != 0)
            return -1;
    check_usable();
    return 0;
}

/* A program that has just exited may hold its image for a moment. */
static void delete_file(const char *path)
{
    wchar_t *wide = path ? sc__wide_path(path) : NULL;

    for (int attempt = 0; wide != NULL && attempt < 50; attempt++) {
        if (DeleteFileW(wide) || GetLastError() == ERROR_FILE_NOT_FOUND)
            break;
        sc__sleep_ms(20);
    }
    free(wide);
}

/* What cannot be removed stays behind as litter in %TEMP%: the tests have
 * passed or failed on their own checks by now. */
static int group_teardown(void **state)
{
    (void)state;
    for (int j = 0; folder.dir != NULL && j < FILE_COUNT; j++) {
        char *path = join(folder.dir, files[j]);
        delete_file(path);
        free(path);
    }
    while (folder.made_count > 0) {
        char *dir = folder.made[--folder.made_count];
        wchar_t *wide = sc__wide_path(dir);
        if (wide != NULL)
            RemoveDirectoryW(wide);
        free(wide);
        free(dir);
    }
    folder.dir = NULL;
    return 0;
}

/* The path of file in the test's folder; free it. Skips the test where
 * no program can run from the folder. */
static char *in_folder(const char *file)
{
    if (folder.unusable != NULL) {
        print_message("%s\n", folder.unusable);
        skip();
    }
    char *path = join(folder.dir, file);
    assert_non_null(path);
    return path;
}

static void run_in_folder(struct sc_test_run *run, const char *program,
                          const char *args)
{
    char *path = in_folder(program);

    sc__test_run(run, path, args, "", 0);
    if (run->exit_code != 0)
        fail_msg("%s %s: exit code %lu\n%s%s", path, args,
                 (unsigned long)run->exit_code, run->output.out,
                 run->output.err);
    free(path);
}

static void start_in_folder(struct sc_child *child, const char *program)
{
    char *path = in_folder(program);

    sc__test_session_start(child, path);
    free(path);
}

static void demo_runs_there(void **state)
{
    struct sc_test_run run;
    (void)state;

    run_in_folder(&run, "counter_demo.exe",
                  "--clients 2 --times 1000 --timeout 120");
    sc__test_assert_contains(run.output.out, "(expected +2000: OK)");
    sc__test_assert_contains(run.output.out,
                             "private baseline: each of 2 processes ended at "
                             "1000 (none saw the others)");
    sc__test_run_free(&run);
}

/* A client keeps the folder's DLL loaded while the worker runs, and sees
 * what the worker did. */
static void worker_runs_there(void **state)
{
    struct sc_child client;
    struct sc_test_run run;
    int64_t last;
    (void)state;

    start_in_folder(&client, "counter_client.exe");
    int64_t start = sc__test_session_send(&client, "=");
    run_in_folder(&run, "counter_worker.exe", "--times 5 --delta 3");
    assert_int_equal(sc__last_value(run.output.out, &last), 0);
    assert_int_equal(last, sc__wrapping_add(start, 15));
    assert_int_equal(sc__test_session_send(&client, "="),
                     sc__wrapping_add(start, 15));
    sc__test_session_end(&client);
    sc__test_run_free(&run);
}

static void client_runs_there(void **state)
{
    struct sc_child client;
    (void)state;

    start_in_folder(&client, "counter_client.exe");
    int64_t start = sc__test_session_send(&client, "=");
    assert_int_equal(sc__test_session_send(&client, ""),
                     sc__wrapping_add(start, 1));
    assert_int_equal(sc__test_session_send(&client, "+41"),
                     sc__wrapping_add(start, 42));
    assert_int_equal(sc__test_session_send(&client, "-2"),
                     sc__wrapping_add(start, 40));
    assert_int_equal(sc__test_session_send(&client, "="),
                     sc__wrapping_add(start, 40));
    sc__test_session_end(&client);
}

/* It loads the DLL from its own folder, the same file as counter_client's. */
static void dynamic_client_runs_there(void **state)
{
    struct sc_child dynamic, client;
    (void)state;

    start_in_folder(&dynamic, "counter_dynamic.exe");
    start_in_folder(&client, "counter_client.exe");
    int64_t start = sc__test_session_send(&client, "=");
    assert_int_equal(sc__test_session_send(&dynamic, "="), start);
    assert_int_equal(sc__test_session_send(&dynamic, "+5"),
                     sc__wrapping_add(start, 5));
    assert_int_equal(sc__test_session_send(&client, "="),
                     sc__wrapping_add(start, 5));
    sc__test_session_end(&dynamic);
    sc__test_session_end(&client);
}

static void private_counter_runs_there(void **state)
{
    struct sc_child child;
    (void)state;

    start_in_folder(&child, "private_counter.exe");
    assert_int_equal(sc__test_session_send(&child, ""), 1);
    assert_int_equal(sc__test_session_send(&child, "+9"), 10);
    assert_int_equal(sc__test_session_send(&child, "="), 10);
    sc__test_session_end(&child);
}

static void shared_exe_counter_runs_there(void **state)
{
    struct sc_child a, b;
    (void)state;

    start_in_folder(&a, "shared_exe_counter.exe");
    start_in_folder(&b, "shared_exe_counter.exe");
    int64_t start = sc__test_session_send(&a, "=");
    assert_int_equal(sc__test_session_send(&a, ""), sc__wrapping_add(start, 1));
    assert_int_equal(sc__test_session_send(&b, "+2"),
                     sc__wrapping_add(start, 3));
    assert_int_equal(sc__test_session_send(&a, "="),
                     sc__wrapping_add(start, 3));
    sc__test_session_end(&a);
    sc__test_session_end(&b);
}

/* The file to read is an argument here, not the program's own folder. */
static void sectiondump_reads_a_dll_there(void **state)
{
    struct sc_test_run run;
    char *dll = in_folder("sharedcounter.dll");
    char *args = malloc(strlen(dll) + 32);
    (void)state;

    assert_non_null(args);
    sprintf(args, "--check-shared .shared \"%s\"", dll);
    run_in_folder(&run, "sectiondump.exe", args);
    sc__test_run_free(&run);
    free(args);
    free(dll);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_runs_there),
        cmocka_unit_test(worker_runs_there),
        cmocka_unit_test(client_runs_there),
        cmocka_unit_test(dynamic_client_runs_there),
        cmocka_unit_test(private_counter_runs_there),
        cmocka_unit_test(shared_exe_counter_runs_there),
        cmocka_unit_test(sectiondump_reads_a_dll_there),
    };

    long_path = argc == 2 && strcmp(argv[1], "--long") == 0;
    if (argc > 1 && !long_path) {
        fputs("usage: test_paths [--long]\n", stderr);
        return 2;
    }
    return cmocka_run_group_tests_name(long_path ? "long folder"
                                                 : "non-ANSI folder",
                                       tests, group_setup, group_teardown);
}
