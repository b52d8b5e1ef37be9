/*
 * The named counters (include/sharedcounter.h, "Named counters"), in one
 * program for both systems. Each case works on a fresh copy of the library
 * in a scratch folder, whose table starts empty, so that the suite may run
 * beside the others. On Windows it is built once per build of the DLL and
 * copies that DLL (SC_TEST_DLL); on Linux it copies libsharedcounter.so.
 *
 * - Names: valid ones open; labels in another order name the same
 *   counter; each kind of bad name is refused.
 * - 32 processes open the same 100 names at once, each in an order of its
 *   own, and add to each: all see the same 100 ids, and the sums are exact.
 * - A full table refuses the next name, and nothing in it changes.
 * - Ids that sc_counter_open() did not return change nothing.
 * - A waiter on one counter wakes on its own counter's change, not on
 *   another's.
 * - A claim that a killed process left half done is taken over
 *   (white-box: the test writes such claims into the table).
 * - An opener killed between its claim and the publication of its slot
 *   (the test-only sharedcounter_paused build stops it there) leaves the
 *   table usable: the next opener of the name takes the slot over.
 *
 * The program re-launches itself as the processes it needs:
 *     --race LIB SEED    says "ready", waits for a line, opens NAMES names
 *                        in an order that SEED picks, adds K + 1 to name K,
 *                        prints the ids in name order
 *     --claim LIB NAME   opens NAME, prints "opened ID"
 * --paused PATH names the sharedcounter_paused build on Linux (Windows:
 * SC_TEST_PAUSED_DLL, beside the program); without it, the last case is
 * left out.
 */
#if !defined(_WIN32)
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#if defined(_WIN32)
#include <windows.h>
/* The declarations of the storage, in the layout of every build. */
#define SC_STORAGE_MAPPING
#else
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "counter_storage.h"
#if defined(_WIN32)
#include "image.h"
#endif
#include "sharedcounter.h"
#include "support.h"

enum { RACERS = 32, NAMES = 100, WAIT_MS = 300, BOUND_MS = 10000 };

/* The sharedcounter_paused build stops an opener that finds this variable
 * in its environment (tests/support_pause.c). */
#define PAUSE_VARIABLE "SC_TEST_PAUSE_BEFORE_PUBLISH"
/* That build's file, where this tree has one; empty where it has none. */
static char paused_file[4096];

/* ---- the library, a copy of its own -------------------------------------- */

struct lib {
    void *handle;
    int32_t (*open)(const char *name);
    int64_t (*add)(int32_t id, int64_t delta);
    int64_t (*get)(int32_t id);
    int64_t (*exchange)(int32_t id, int64_t value);
    int (*wait)(int32_t id, int64_t seen, uint32_t timeout_ms, int64_t *now);
    int32_t (*next)(int32_t after, char *name, uint32_t size, int64_t *value);
};

#if defined(_WIN32)

static int error_is_invalid_name(void)
{
    return GetLastError() == ERROR_INVALID_NAME;
}

static int error_is_table_full(void)
{
    return GetLastError() == ERROR_DISK_FULL;
}

static int error_is_invalid_id(void)
{
    return GetLastError() == ERROR_INVALID_PARAMETER;
}

static void clear_error(void)
{
    SetLastError(0);
}

#else

static int error_is_invalid_name(void)
{
    return errno == EINVAL;
}

static int error_is_table_full(void)
{
    return errno == ENOSPC;
}

static int error_is_invalid_id(void)
{
    return errno == EINVAL;
}

static void clear_error(void)
{
    errno = 0;
}

#endif

static int lib_open(struct lib *l, const char *path)
{
    l->handle = sc__test_library_load(path);
    if (l->handle == NULL)
        return -1;
    *(void **)&l->open = sc__test_library_symbol(l->handle, "sc_counter_open");
    *(void **)&l->add = sc__test_library_symbol(l->handle, "sc_counter_add");
    *(void **)&l->get = sc__test_library_symbol(l->handle, "sc_counter_get");
    *(void **)&l->exchange =
        sc__test_library_symbol(l->handle, "sc_counter_exchange");
    *(void **)&l->wait = sc__test_library_symbol(l->handle, "sc_counter_wait");
    *(void **)&l->next = sc__test_library_symbol(l->handle, "sc_counter_next");
    return l->open != NULL && l->add != NULL && l->get != NULL &&
                   l->exchange != NULL && l->wait != NULL && l->next != NULL
               ? 0
               : -1;
}

/* ---- the children -------------------------------------------------------- */

static void race_name(char *name, size_t size, int k)
{
    snprintf(name, size, "race_total{name=\"%d\"}", k);
}

static int race_main(char **argv)
{
    struct lib mine;
    int order[NAMES], ids[NAMES];
    char line[16], name[64];
    unsigned seed = (unsigned)strtoul(argv[1], NULL, 10);

    if (lib_open(&mine, argv[0]) != 0)
        return 3;
    for (int k = 0; k < NAMES; k++)
        order[k] = k;
    for (int k = NAMES - 1; k > 0; k--) {
        seed = seed * 1103515245u + 12345u;
        int other = (int)((seed >> 8) % (unsigned)(k + 1));
        int swap = order[k];
        order[k] = order[other];
        order[other] = swap;
    }
    printf("ready\n");
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL)
        return 3;
    for (int i = 0; i < NAMES; i++) {
        int k = order[i];
        race_name(name, sizeof name, k);
        ids[k] = mine.open(name);
        if (ids[k] < 0 || mine.add(ids[k], k + 1) <= 0)
            return 1;
    }
    for (int k = 0; k < NAMES; k++)
        printf("%d%c", ids[k], k + 1 < NAMES ? ' ' : '\n');
    return 0;
}

static int claim_main(char **argv)
{
    struct lib mine;

    if (lib_open(&mine, argv[0]) != 0)
        return 3;
    int32_t id = mine.open(argv[1]);
    printf("opened %d\n", (int)id);
    return id >= 0 ? 0 : 1;
}

/* ---- the fixture: a fresh copy, and its storage seen from outside -------- */

struct fixture {
    char dir[4096];
    char path[4200];
    struct lib lib;
    struct sc_shared_storage *storage;
    size_t storage_size; /* as the library has it, whatever this program's */
};

static unsigned copies;

#if defined(_WIN32) && defined(SC_TEST_HARDENED)

/* The hardened copy's named mapping, as the DLL names it. */
static struct sc_shared_storage *storage_of(const char *path, size_t *size)
{
    union sc_user_sid user;
    WCHAR wide[MAX_PATH], name[SC_MAPPING_NAME_SIZE];

    assert_true(MultiByteToWideChar(CP_ACP, 0, path, -1, wide, MAX_PATH) > 0);
    assert_int_equal(sc__current_user(&user), 0);
    assert_int_equal(sc__mapping_name(wide, sc__user_sid(&user), name), 0);
    HANDLE mapping = OpenFileMappingW(FILE_MAP_WRITE, FALSE, name);
    assert_non_null(mapping);
    void *view = MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, 0);
    assert_non_null(view);
    CloseHandle(mapping);
    *size = sizeof(struct sc_shared_storage);
    return view;
}

#elif defined(_WIN32)

/* The copy's .shared section, where this process has it loaded. */
static struct sc_shared_storage *storage_of(const char *path, size_t *size)
{
    struct sc_test_image image;
    HMODULE module = GetModuleHandleA(path);

    assert_non_null(module);
    sc__test_image_load_path(&image, path);
    long shared = sd_pe_find_section(&image.parsed.pe, ".shared");
    assert_true(shared >= 0);
    uint32_t rva = image.parsed.pe.sections[shared].virtual_address;
    *size = image.parsed.pe.sections[shared].virtual_size;
    sc__test_image_free(&image);
    return (struct sc_shared_storage *)((char *)module + rva);
}

#else

/* The copy's shared-memory object: its pages, as the library made them. */
static struct sc_shared_storage *storage_of(const char *path, size_t *size)
{
    char object[512];
    struct stat st;

    sc__object_path(path, object, sizeof object);
    int fd = open(object, O_RDWR | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    *size = (size_t)st.st_size;
    void *view = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_true(view != MAP_FAILED);
    close(fd);
    return view;
}

#endif

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char name[64];

    assert_non_null(f);
    sc__test_make_dir(f->dir, sizeof f->dir);
    snprintf(name, sizeof name, "named-%u%s", ++copies,
#if defined(_WIN32)
             ".dll"
#else
             ".so"
#endif
    );
#if defined(_WIN32)
    /* The DLL this program has loaded, which is the one beside it when a
     * broken build is tried (tests/mutants). */
    char built[MAX_PATH];
    assert_true(GetModuleFileNameA(GetModuleHandleA(SC_TEST_DLL), built,
                                   sizeof built) > 0);
    sc__test_path(f->path, sizeof f->path, f->dir, name);
    assert_true(CopyFileA(built, f->path, TRUE));
#else
    sc__library_copy(f->dir, name, f->path, sizeof f->path);
#endif
    assert_int_equal(lib_open(&f->lib, f->path), 0);
    f->storage = storage_of(f->path, &f->storage_size);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    sc__test_library_unload(f->lib.handle);
    sc__test_remove_dir(f->dir);
    free(f);
    return 0;
}

/* How many counters the table lists. */
static int listed(const struct lib *l)
{
    int count = 0;

    for (int32_t id = l->next(-1, NULL, 0, NULL); id >= 0;
         id = l->next(id, NULL, 0, NULL))
        count++;
    return count;
}

/* ---- names --------------------------------------------------------------- */

static void valid_names_open_and_bad_ones_are_refused(void **state)
{
    static const char *const valid[] = {
        "a",
        "_",
        ":",
        "http_requests_total",
        "a:b_c9",
        "http_requests_total{method=\"get\",code=\"200\"}",
        "x{a=\"\"}",
        "x{a=\"\\\\ \\\" \\n\"}",
        "x{a=\"\xc3\xa9\xe2\x82\xac\"}",
        "x{a=\"\xf0\x9f\x98\x80\"}",
        "x{_b1=\"1\"}",
    };
    static const char *const invalid[] = {
        "",
        "1a",
        "a-b",
        "a b",
        " a",
        "a ",
        "a{",
        "a}",
        "a{}",
        "a{b}",
        "a{b=}",
        "a{b=\"1}",
        "a{b=\"1\"",
        "a{b=\"1\",}",
        "a{,b=\"1\"}",
        "a{b=\"1\"}x",
        "a{b=1}",
        "a{1b=\"1\"}",
        "a{__b=\"1\"}",
        "a{b=\"1\",b=\"2\"}",
        "a{b=\"\\q\"}",
        "a{b=\"\n\"}",
        "a{b=\"\t\"}",
        "a{b = \"1\"}",
        "a{b=\"\x80\"}",
        "a{b=\"\xc0\xaf\"}",
        "a{b=\"\xed\xa0\x80\"}",
        "a{b=\"\xf4\x90\x80\x80\"}",
        "a{b=\"\xe2\x82\"}",
        "a{b=\"\xff\"}",
    };
    struct fixture *f = *state;
    char longest[SC_NAME_MAX + 2], listed_name[SC_NAME_MAX + 1];

    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
        if (f->lib.open(valid[i]) < 0)
            fail_msg("\"%s\" was refused", valid[i]);
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        clear_error();
        if (f->lib.open(invalid[i]) != -1 || !error_is_invalid_name())
            fail_msg("\"%s\" was not refused as a bad name", invalid[i]);
    }
    clear_error();
    assert_int_equal(f->lib.open(NULL), -1);
    assert_true(error_is_invalid_name());
    memset(longest, 'x', SC_NAME_MAX);
    longest[SC_NAME_MAX] = '\0';
    assert_true(f->lib.open(longest) >= 0);
    longest[SC_NAME_MAX] = 'x';
    longest[SC_NAME_MAX + 1] = '\0';
    assert_int_equal(f->lib.open(longest), -1);
    assert_int_equal(listed(&f->lib), (int)(sizeof valid / sizeof *valid) + 1);

    /* Labels in another order name the same counter, listed sorted. */
    int32_t id = f->lib.open("r{z=\"1\",a=\"2\",m=\"3\"}");
    assert_true(id >= 0);
    assert_int_equal(f->lib.open("r{a=\"2\",m=\"3\",z=\"1\"}"), id);
    assert_int_equal(f->lib.open("r{m=\"3\",z=\"1\",a=\"2\"}"), id);
    assert_int_equal(f->lib.next(id - 1, listed_name, sizeof listed_name, NULL),
                     id);
    assert_string_equal(listed_name, "r{a=\"2\",m=\"3\",z=\"1\"}");
    /* A short buffer gets the name cut, with its NUL. */
    assert_int_equal(f->lib.next(id - 1, listed_name, 5, NULL), id);
    assert_string_equal(listed_name, "r{a=");
}

/* ---- many processes at once ---------------------------------------------- */

static void thirty_two_processes_open_a_hundred_names_at_once(void **state)
{
    static struct sc_self_child racers[RACERS];
    struct fixture *f = *state;
    char args[4400], line[64], out[4096], first[4096] = "";
    int32_t ids[NAMES];

    for (int i = 0; i < RACERS; i++) {
        snprintf(args, sizeof args, "--race %s %d", f->path, i + 1);
        sc__self_start(&racers[i], args);
    }
    for (int i = 0; i < RACERS; i++) {
        sc__self_line(&racers[i], line, sizeof line);
        assert_string_equal(line, "ready");
    }
    for (int i = 0; i < RACERS; i++)
        sc__self_send(&racers[i], "go\n");
    for (int i = 0; i < RACERS; i++) {
        int code = sc__self_finish(&racers[i], out, sizeof out);
        if (code != 0)
            fail_msg("racer %d exited with %d: %s", i, code, out);
        if (i == 0)
            snprintf(first, sizeof first, "%s", out);
        else if (strcmp(out, first) != 0)
            fail_msg("racer %d saw other ids:\n%s\nthan racer 0:\n%s", i, out,
                     first);
    }
    const char *at = first;
    for (int k = 0; k < NAMES; k++) {
        char *end;
        ids[k] = (int32_t)strtol(at, &end, 10);
        assert_true(end != at);
        at = end;
        for (int j = 0; j < k; j++)
            assert_int_not_equal(ids[j], ids[k]);
    }
    assert_int_equal(listed(&f->lib), NAMES);
    for (int k = 0; k < NAMES; k++) {
        char name[64];
        race_name(name, sizeof name, k);
        assert_int_equal(f->lib.open(name), ids[k]);
        assert_int_equal(f->lib.get(ids[k]), (int64_t)RACERS * (k + 1));
    }
    printf("[ FIGURES  ] %d processes opened the same %d names at once: %d "
           "ids, every sum exact\n",
           RACERS, NAMES, NAMES);
}

/* ---- a full table -------------------------------------------------------- */

static void full_table_refuses_the_next_name(void **state)
{
    struct fixture *f = *state;
    char name[64];

    for (int k = 0; k < SC_COUNTERS; k++) {
        snprintf(name, sizeof name, "full_total{k=\"%d\"}", k);
        int32_t id = f->lib.open(name);
        if (id < 0)
            fail_msg("\"%s\", name %d of %d, was refused", name, k + 1,
                     SC_COUNTERS);
        assert_int_equal(f->lib.add(id, k), k);
    }
    clear_error();
    assert_int_equal(f->lib.open("one_too_many"), -1);
    assert_true(error_is_table_full());
    assert_int_equal(listed(&f->lib), SC_COUNTERS);
    for (int k = 0; k < SC_COUNTERS; k++) {
        snprintf(name, sizeof name, "full_total{k=\"%d\"}", k);
        int32_t id = f->lib.open(name);
        assert_true(id >= 0);
        assert_int_equal(f->lib.get(id), k);
    }
}

/* ---- ids that sc_counter_open() did not return --------------------------- */

static void unknown_ids_change_nothing(void **state)
{
    struct fixture *f = *state;
    const int32_t unknown[] = {-1, INT32_MIN, SC_COUNTERS, INT32_MAX};
    int64_t now = 42;

    int32_t id = f->lib.open("known");
    assert_int_equal(f->lib.add(id, 5), 5);
    int32_t unused = (id + 1) % SC_COUNTERS;
    for (size_t i = 0; i <= sizeof unknown / sizeof *unknown; i++) {
        int32_t bad =
            i < sizeof unknown / sizeof *unknown ? unknown[i] : unused;
        assert_int_equal(f->lib.add(bad, 7), 0);
        assert_int_equal(f->lib.exchange(bad, 7), 0);
        assert_int_equal(f->lib.get(bad), 0);
        clear_error();
        assert_int_equal(f->lib.wait(bad, 0, 10, &now), -1);
        assert_true(error_is_invalid_id());
        assert_int_equal(now, 42);
    }
    assert_int_equal(f->lib.get(id), 5);
    assert_int_equal(listed(&f->lib), 1);
    assert_int_equal(f->lib.next(INT32_MAX, NULL, 0, NULL), -1);
    assert_int_equal(f->lib.next(SC_COUNTERS - 1, NULL, 0, NULL), -1);
}

/* ---- waiting on one counter ---------------------------------------------- */

struct waiter {
    const struct lib *l;
    int32_t id;
    int64_t seen;
    uint32_t timeout_ms;
    int result;
    int64_t now;
};

static void waiter_run(struct waiter *w)
{
    w->result = w->l->wait(w->id, w->seen, w->timeout_ms, &w->now);
}

#if defined(_WIN32)
static DWORD WINAPI waiter_main(void *arg)
{
    waiter_run(arg);
    return 0;
}

static void waiter_go(struct waiter *w, HANDLE *thread)
{
    *thread = CreateThread(NULL, 0, waiter_main, w, 0, NULL);
    assert_non_null(*thread);
}

static void waiter_join(HANDLE thread)
{
    assert_int_equal(WaitForSingleObject(thread, INFINITE), WAIT_OBJECT_0);
    CloseHandle(thread);
}
#else
static void *waiter_main(void *arg)
{
    waiter_run(arg);
    return NULL;
}

static void waiter_go(struct waiter *w, pthread_t *thread)
{
    assert_int_equal(pthread_create(thread, NULL, waiter_main, w), 0);
}

static void waiter_join(pthread_t thread)
{
    assert_int_equal(pthread_join(thread, NULL), 0);
}
#endif

/* Until the counter's waiters' word counts an arm: the waiter will sleep
 * or see the change. */
static void until_armed(const struct sc_named_counter *counter)
{
    for (int i = 0; i < 60000 && !sc__wait_armed(counter->wait_word); i++)
        sc__sleep_ms(1);
    assert_true(sc__wait_armed(counter->wait_word));
}

static void waiter_wakes_on_its_own_counter_only(void **state)
{
    struct fixture *f = *state;
    int32_t mine = f->lib.open("waited_total"), other = f->lib.open("other");
    struct waiter w = {&f->lib, mine, f->lib.get(mine), WAIT_MS, 9, 0};
#if defined(_WIN32)
    HANDLE thread;
#else
    pthread_t thread;
#endif

    /* Another counter changes all through the wait, which times out. */
    waiter_go(&w, &thread);
    until_armed(&f->storage->named[mine]);
    for (int i = 0; i < WAIT_MS / 10; i++) {
        f->lib.add(other, 1);
        sc__sleep_ms(10);
    }
    waiter_join(thread);
    assert_int_equal(w.result, 0);
    assert_int_equal(w.now, w.seen);

    /* Its own counter's change wakes it. */
    w = (struct waiter){&f->lib, mine, f->lib.get(mine), BOUND_MS, 9, 0};
    waiter_go(&w, &thread);
    until_armed(&f->storage->named[mine]);
    int64_t after = f->lib.add(mine, 3);
    waiter_join(thread);
    assert_int_equal(w.result, 1);
    assert_int_equal(w.now, after);
}

/* ---- each counter's cache line ------------------------------------------- */

/* Where the library keeps the value of counter id, found by the value
 * itself: a number written with sc_counter_exchange(), looked for in the
 * library's storage as the library lays it out, not as this program's
 * header says. Returns its offset, or fails the test. */
static size_t value_offset(const struct fixture *f, int32_t id)
{
    const int64_t mark = (int64_t)0x5ca1ab1e00000000 + id;
    const volatile int64_t *words = (const volatile int64_t *)f->storage;
    size_t found = SIZE_MAX;

    f->lib.exchange(id, mark);
    for (size_t i = 0; i < f->storage_size / sizeof *words; i++) {
        if (words[i] != mark)
            continue;
        assert_int_equal(found, SIZE_MAX);
        found = i * sizeof *words;
    }
    assert_int_not_equal(found, SIZE_MAX);
    return found;
}

/* Each counter's value starts a cache line of its own: updates of two
 * counters never take the same line from each other. */
static void each_counter_has_a_cache_line_of_its_own(void **state)
{
    enum { COUNTERS = 16, LINE = 64 };
    struct fixture *f = *state;
    size_t lines[COUNTERS];
    char name[32];

    for (int k = 0; k < COUNTERS; k++) {
        snprintf(name, sizeof name, "line_%d", k);
        int32_t id = f->lib.open(name);
        assert_true(id >= 0);
        size_t offset = value_offset(f, id);
        assert_int_equal(offset % LINE, 0);
        lines[k] = offset / LINE;
        for (int j = 0; j < k; j++)
            assert_int_not_equal(lines[j], lines[k]);
    }
}

/* ---- a claim left half done ---------------------------------------------- */

/* Opens name in a process of its own, with a deadline: an open that waited
 * for a dead claimant for ever fails the test instead of hanging it.
 * Returns the id it got. */
static int32_t open_in_a_child(const char *path, const char *name)
{
    struct sc_self_child opener;
    char args[4400], out[4096];
    int id = -1;

    snprintf(args, sizeof args, "--claim %s %s", path, name);
    sc__self_start(&opener, args);
    sc__self_within(&opener, BOUND_MS);
    int status = sc__self_finish(&opener, out, sizeof out);
    if (status != 0 || sscanf(out, "opened %d", &id) != 1)
        fail_msg("the opener of %s exited with %d:\n%s", name, status, out);
    return id;
}

/* The owner word of a process that no longer runs: an id above any that
 * the system hands out, with a creation time. */
static const int64_t dead_owner = (int64_t)0x123456787ffffff0;

static void claim_of_a_killed_process_is_taken_over(void **state)
{
    struct fixture *f = *state;

    /* Every free slot looks as if a process had died in the middle of
     * opening a name there, with half a name written. */
    for (int id = 0; id < SC_COUNTERS; id++) {
        f->storage->named[id].state = dead_owner;
        f->storage->named[id].value = 99;
        memcpy(f->storage->names[id], "half", 5);
    }
    int32_t id = open_in_a_child(f->path, "after_the_kill_total");
    assert_true(id >= 0);
    assert_int_equal(f->lib.open("after_the_kill_total"), id);
    assert_int_equal(f->lib.get(id), 0);
    assert_int_equal(f->lib.add(id, 2), 2);
    char name[SC_NAME_MAX + 1];
    assert_int_equal(f->lib.next(-1, name, sizeof name, NULL), id);
    assert_string_equal(name, "after_the_kill_total");
    assert_int_equal(listed(&f->lib), 1);
    assert_int_equal(f->lib.open("after_the_kill_total"), id);
}

/* ---- an opener killed in the middle of its claim ------------------------- */

/* A copy of the paused build in the fixture's folder, a table of its own. */
static void paused_copy(const struct fixture *f, char *path, size_t size)
{
#if defined(_WIN32)
    sc__test_path(path, size, f->dir, "paused-copy.dll");
    assert_true(CopyFileA(paused_file, path, TRUE));
#else
    snprintf(path, size, "%s/paused-copy.so", f->dir);
    sc__file_copy(paused_file, path);
#endif
}

static void opener_killed_while_claiming_is_taken_over(void **state)
{
    struct fixture *f = *state;
    struct sc_self_child opener;
    struct lib paused;
    char path[4300], args[4400], line[64];

    paused_copy(f, path, sizeof path);
    /* This process holds the table while the opener comes and goes. */
    assert_int_equal(lib_open(&paused, path), 0);
    snprintf(args, sizeof args, "--claim %s killed_total", path);
    sc__self_set_flag(PAUSE_VARIABLE, 1);
    sc__self_start(&opener, args);
    sc__self_set_flag(PAUSE_VARIABLE, 0);
    sc__self_line(&opener, line, sizeof line);
    assert_string_equal(line, "paused");
    assert_int_equal(listed(&paused), 0);
    sc__self_kill(&opener);

    int32_t id = open_in_a_child(path, "killed_total");
    assert_true(id >= 0);
    assert_int_equal(paused.open("killed_total"), id);
    assert_int_equal(paused.get(id), 0);
    assert_int_equal(paused.add(id, 3), 3);
    assert_int_equal(listed(&paused), 1);
    assert_true(paused.open("after_total") >= 0);
    assert_int_equal(listed(&paused), 2);
    sc__test_library_unload(paused.handle);
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--race") == 0)
        return race_main(argv + 2);
    if (argc == 4 && strcmp(argv[1], "--claim") == 0)
        return claim_main(argv + 2);
#if defined(_WIN32)
    /* The build of the DLL that the copies are made of, loaded. */
    if (sc_version() != SC_VERSION_HEX)
        return 1;
#if defined(SC_TEST_PAUSED_DLL)
    char *end =
        paused_file + GetModuleFileNameA(NULL, paused_file, sizeof paused_file);
    while (end > paused_file && end[-1] != '\\')
        end--;
    snprintf(end, sizeof paused_file - (size_t)(end - paused_file), "%s",
             SC_TEST_PAUSED_DLL);
    /* Not beside a copy of this program (tests/mutants). */
    if (GetFileAttributesA(paused_file) == INVALID_FILE_ATTRIBUTES)
        paused_file[0] = '\0';
#endif
#else
    if (argc == 3 && strcmp(argv[1], "--paused") == 0)
        snprintf(paused_file, sizeof paused_file, "%s", argv[2]);
#endif
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            valid_names_open_and_bad_ones_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            thirty_two_processes_open_a_hundred_names_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(full_table_refuses_the_next_name, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unknown_ids_change_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(waiter_wakes_on_its_own_counter_only,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            each_counter_has_a_cache_line_of_its_own, setup, teardown),
        cmocka_unit_test_setup_teardown(claim_of_a_killed_process_is_taken_over,
                                        setup, teardown),
        /* Last, for the builds that have a paused twin. */
        cmocka_unit_test_setup_teardown(
            opener_killed_while_claiming_is_taken_over, setup, teardown),
    };
    size_t count = sizeof tests / sizeof *tests;
    sc__test_filter_from_environment();
    return _cmocka_run_group_tests("test_named", tests,
                                   paused_file[0] != '\0' ? count : count - 1,
                                   NULL, NULL);
}
