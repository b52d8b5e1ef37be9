/*
 * The counter lives while some process has the library loaded
 * (docs/how-it-works.md, "Lifetime"). Each test works on a copy of one
 * build of the DLL in a scratch folder, which this program never loads
 * itself: child A loads the copy, adds to its counter and exits; child B
 * then loads it and must see the initial value, 0. With a third child
 * holding the copy loaded meanwhile, B sees A's update instead, which shows
 * that the check can tell the two apart.
 *
 * The program re-launches itself as the children:
 *     test_lifetime --add DLL DELTA   prints "seen X now Y"
 *     test_lifetime --hold DLL        loads DLL, says ready, waits for EOF
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
#include "options.h"
#include "support.h"
#include "text_paths.h"

typedef int64_t (*sc_get_fn)(void);
typedef int64_t (*sc_add_fn)(int64_t);

/* ---- the children ------------------------------------------------------- */

static int add_main(const char *dll, const char *delta)
{
    HMODULE module = LoadLibraryA(dll);
    if (module == NULL)
        return 1;
    sc_get_fn get = (sc_get_fn)sc__find_function(module, "sc_get");
    sc_add_fn add = (sc_add_fn)sc__find_function(module, "sc_add");
    if (get == NULL || add == NULL)
        return 1;
    int64_t seen = get();
    printf("seen %lld now %lld\n", (long long)seen,
           (long long)add(strtoll(delta, NULL, 10)));
    return 0;
}

static int hold_main(const char *dll)
{
    if (LoadLibraryA(dll) == NULL || sc__say_ready() != 0)
        return 1;
    while (getchar() != EOF)
        continue;
    return 0;
}

/* ---- the parent --------------------------------------------------------- */

/* Runs "--add DLL delta" in a child, waits for it to exit, and returns the
 * value it saw before its add. */
static int64_t add_in_child(const char *dll, int64_t delta)
{
    char args[MAX_PATH + 64];
    struct sc_child child;
    struct sc_child_output out;
    DWORD code = 1;
    long long seen, now;

    snprintf(args, sizeof args, "--add \"%s\" %lld", dll, (long long)delta);
    assert_int_equal(sc__child_start_self(&child, args, SC_CHILD_PIPE_OUTPUT),
                     0);
    assert_int_equal(
        sc__child_finish(&child, SC_TEST_CHILD_TIMEOUT_MS, &code, &out), 0);
    sc__child_close(&child);
    assert_int_equal(code, 0);
    assert_int_equal(sscanf(out.out, "seen %lld now %lld", &seen, &now), 2);
    sc__child_output_free(&out);
    assert_int_equal(now, sc__wrapping_add(seen, delta));
    return seen;
}

static void start_holder(struct sc_child *holder, const char *dll)
{
    char args[MAX_PATH + 16];

    snprintf(args, sizeof args, "--hold \"%s\"", dll);
    assert_int_equal(
        sc__child_start_self(holder, args,
                             SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT),
        0);
    assert_int_equal(sc__child_wait_ready(holder), 0);
}

static void stop_holder(struct sc_child *holder)
{
    DWORD code = 1;

    assert_int_equal(
        sc__child_finish(holder, SC_TEST_CHILD_TIMEOUT_MS, &code, NULL), 0);
    sc__child_close(holder);
    assert_int_equal(code, 0);
}

/* Copies build (a DLL beside this program) into the test's folder. */
static void copy_dll(void **state, const char *build, char *dll)
{
    sc__test_copy(build, *state, "lifetime_copy.dll");
    sc__test_path(dll, MAX_PATH, *state, "lifetime_copy.dll");
}

static void check_restarts_when_last_unloads(void **state, const char *build)
{
    char dll[MAX_PATH];

    copy_dll(state, build, dll);
    assert_int_equal(add_in_child(dll, 41), 0);
    assert_int_equal(add_in_child(dll, 1), 0);
}

static void check_lives_while_loaded(void **state, const char *build)
{
    char dll[MAX_PATH];
    struct sc_child holder;

    copy_dll(state, build, dll);
    start_holder(&holder, dll);
    assert_int_equal(add_in_child(dll, 41), 0);
    assert_int_equal(add_in_child(dll, 1), 41);
    stop_holder(&holder);
    assert_int_equal(add_in_child(dll, 1), 0);
}

static void section_counter_restarts_when_last_process_unloads(void **state)
{
    check_restarts_when_last_unloads(state, "sharedcounter.dll");
}

static void section_counter_lives_while_a_process_holds_it(void **state)
{
    check_lives_while_loaded(state, "sharedcounter.dll");
}

static void mapping_counter_restarts_when_last_process_unloads(void **state)
{
    check_restarts_when_last_unloads(state, "sharedcounter_hardened.dll");
}

static void mapping_counter_lives_while_a_process_holds_it(void **state)
{
    check_lives_while_loaded(state, "sharedcounter_hardened.dll");
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--add") == 0)
        return add_main(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "--hold") == 0)
        return hold_main(argv[2]);
    const struct CMUnitTest tests[] = {
        SC_TEST_WITH_FOLDER(section_counter_restarts_when_last_process_unloads),
        SC_TEST_WITH_FOLDER(section_counter_lives_while_a_process_holds_it),
        SC_TEST_WITH_FOLDER(mapping_counter_restarts_when_last_process_unloads),
        SC_TEST_WITH_FOLDER(mapping_counter_lives_while_a_process_holds_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
