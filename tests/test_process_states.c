/*
 * A build of the DLL (SC_TEST_DLL) in processes that start as services and
 * programs launched from a window do: no console and invalid standard
 * handles, and many threads loading a copy of the DLL at once. In each case
 * the counter moves by exactly what the processes added.
 *
 * The program re-launches itself:
 *     test_process_states --use DELTA     adds DELTA, then writes to its
 *                                         standard handles and reads stdin
 *     test_process_states --threads PATH  threads load the DLL at PATH at
 *                                         once and add 1,000 each
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

enum { LOADERS = 16, ADDS_PER_LOADER = 1000 };

typedef int64_t (*sc_add_fn)(int64_t);

/* ---- the children ------------------------------------------------------ */

static int use_main(int64_t delta)
{
    char line[64], c;
    DWORD done;

    int64_t value = sc_add(delta);
    int len = snprintf(line, sizeof line, "counter: %lld\n", (long long)value);
    printf("%s", line);
    fprintf(stderr, "%s", line);
    fflush(stdout);
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line, (DWORD)len, &done, NULL);
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), line, (DWORD)len, &done, NULL);
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), &c, 1, &done, NULL) &&
           done == 1)
        continue;
    return 0;
}

static const wchar_t *threads_path;
static HANDLE threads_start;

static DWORD WINAPI load_and_add(void *arg)
{
    (void)arg;
    WaitForSingleObject(threads_start, INFINITE);
    HMODULE dll = LoadLibraryW(threads_path);
    sc_add_fn add =
        dll != NULL ? (sc_add_fn)sc__find_function(dll, "sc_add") : NULL;
    if (add == NULL)
        return 1;
    for (int i = 0; i < ADDS_PER_LOADER; i++)
        add(1);
    return 0;
}

static int threads_main(const char *path)
{
    HANDLE threads[LOADERS];
    DWORD code, failed = 0;

    threads_path = sc__wide_path(path);
    threads_start = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (threads_path == NULL || threads_start == NULL)
        return 1;
    for (int i = 0; i < LOADERS; i++) {
        threads[i] = CreateThread(NULL, 0, load_and_add, NULL, 0, NULL);
        if (threads[i] == NULL)
            return 1;
    }
    SetEvent(threads_start);
    WaitForMultipleObjects(LOADERS, threads, TRUE, INFINITE);
    for (int i = 0; i < LOADERS; i++)
        failed |= !GetExitCodeThread(threads[i], &code) || code != 0;
    return failed ? 1 : 0;
}

/* ---- the parent -------------------------------------------------------- */

static DWORD run(const char *program, const char *args, unsigned flags)
{
    struct sc_child child;
    DWORD code = 0;

    assert_int_equal(program == NULL
                         ? sc__child_start_self(&child, args, flags)
                         : sc__child_start_in_job(&child, program, args, flags),
                     0);
    assert_int_equal(
        sc__child_finish(&child, SC_TEST_CHILD_TIMEOUT_MS, &code, NULL), 0);
    sc__child_close(&child);
    return code;
}

static void detached_without_standard_handles(void **state)
{
    (void)state;
    int64_t before = sc_get();
    assert_int_equal(run(NULL, "--use 5", SC_CHILD_DETACHED), 0);
    assert_int_equal(sc__wrapping_sub(sc_get(), before), 5);
    assert_int_equal(sc__wrapping_sub(sc_increment(), before), 6);
}

#if defined(SC_TEST_CLIENTS)
/* The clients link sharedcounter.dll: they add, then cannot print, which a
 * script sees in the exit code; with no stdin there is nothing to run. */
static void detached_clients(void **state)
{
    char worker[MAX_PATH], client[MAX_PATH];

    (void)state;
    sc__test_path(worker, sizeof worker, NULL, "counter_worker.exe");
    sc__test_path(client, sizeof client, NULL, "counter_client.exe");
    int64_t before = sc_get();
    assert_int_equal(run(worker, "--times 7 --delta 1", SC_CHILD_DETACHED), 1);
    assert_int_equal(sc__wrapping_sub(sc_get(), before), 7);
    assert_int_equal(run(client, NULL, SC_CHILD_DETACHED), 1);
    assert_int_equal(sc__wrapping_sub(sc_get(), before), 7);
}
#endif

/* A copy, so that the DLL is not yet loaded in the child when its threads
 * all ask for it; this program holds the copy and reads the sum. */
static void many_threads_load_a_copy_at_once(void **state)
{
    const char *dir = *state;
    char path[MAX_PATH], args[MAX_PATH + 16];

    sc__test_copy(SC_TEST_DLL, dir, "copy.dll");
    snprintf(path, sizeof path, "%scopy.dll", dir);
    snprintf(args, sizeof args, "--threads \"%s\"", path);
    wchar_t *wide = sc__wide_path(path);
    assert_non_null(wide);
    HMODULE copy = LoadLibraryW(wide);
    free(wide);
    assert_non_null(copy);
    sc_add_fn add = (sc_add_fn)sc__find_function(copy, "sc_add");
    assert_non_null(add);
    int64_t before = add(0);
    assert_int_equal(run(NULL, args, SC_CHILD_DETACHED), 0);
    assert_int_equal(sc__wrapping_sub(add(0), before),
                     LOADERS * ADDS_PER_LOADER);
    FreeLibrary(copy);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--use") == 0)
        return use_main(_strtoi64(argv[2], NULL, 10));
    if (argc == 3 && strcmp(argv[1], "--threads") == 0)
        return threads_main(argv[2]);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detached_without_standard_handles),
#if defined(SC_TEST_CLIENTS)
        cmocka_unit_test(detached_clients),
#endif
        SC_TEST_WITH_FOLDER(many_threads_load_a_copy_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
