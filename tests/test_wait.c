/*
 * sc_wait() from its contract in include/sharedcounter.h, across processes
 * and threads, in one program for both systems. On Windows it is built once
 * per build of the DLL and links that build (SC_TEST_DLL); on Linux it works
 * on a copy of libsharedcounter.so in a scratch folder of its own, loaded
 * with dlopen, so that it may run beside the other suites.
 *
 * - No lost wake-up: N processes take turns on the counter for thousands of
 *   rounds, each waiting for the others' updates, so that every wait must
 *   return, and be woken: a wait as long as LOST_US ended on the library's
 *   own look again after a second, not on a wake. Two processes
 *   (ping-pong), then a writer and four waiters; then eight threads of one
 *   process, whose waits overlap, so that one thread could take another's
 *   wake.
 * - Every kind of update wakes a process asleep in sc_wait: sc_increment,
 *   sc_decrement, sc_add(5), sc_exchange and sc_compare_exchange.
 * - 64 processes asleep in sc_wait all return after one sc_add.
 * - A waiter killed in its sleep leaves nothing behind: later waiters and
 *   writers work, and (white-box) one update lowers its arm in the
 *   storage's wait word, so that the writers after it skip the wake.
 * - A writer stopped between its update and its wake (the test-only
 *   sharedcounter_paused build stops it there) strands nobody: the next
 *   writer wakes the sleepers at once; and once it is killed, the waiters
 *   see its update within a second all the same.
 * - Timeouts end never early and not far late; timeout 0, a NULL now and a
 *   value that differs already answer at once.
 * - A copy of the library at another path has waiters of its own.
 * - Every thread of one process that waits at once is woken.
 *
 * On Linux --library PATH names the library to copy (by default
 * sc__library_file()), and --paused PATH the sharedcounter_paused build
 * (Windows: SC_TEST_PAUSED_DLL).
 *
 * The program re-launches itself (LIB: the library's path on Linux, "-" on
 * Windows, where the linked DLL is used):
 *     --ring LIB I N ROUNDS BOUND_MS BASE   process I of N in the rounds;
 *                                           prints "waits W max_us M total_us
 * T"
 *     --wait-once LIB SEEN BOUND_MS         says "ready", calls sc_wait(SEEN)
 *                                           once, prints "woke RC NOW"
 *     --threads-ring LIB THREADS ROUNDS     THREADS threads wait on every
 *                                           one of ROUNDS updates of its own
 *     --add-once LIB                        says "ready", adds 1 after a line
 */
#if !defined(_WIN32)
#define _GNU_SOURCE
#endif

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#if defined(_WIN32)
#include <windows.h>
/* The declarations of the hardened build's storage, which name no section:
 * the layout is one for every build. */
#define SC_STORAGE_MAPPING
#include "image.h"
#else
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#endif

#include "counter_storage.h"
#include "sharedcounter.h"
#include "support.h"

/* Per wait: generous, so that a slow machine never fails the test. */
enum { BOUND_MS = 10000, LATE_LIMIT_US = 2000000 };
/* A wait with a change coming that lasts this long was not woken: it ended
 * on the library's look a second after it fell asleep. A woken wait takes
 * well under 100 ms, even on two busy CPUs under Wine. */
enum { LOST_US = 800000 };
/* What a waiter is given to see a killed writer's update by that look. */
enum { RECHECK_WITHIN_US = 3000000 };
/* A wait with a timeout whose writer stopped before its wake must end at
 * its timeout: a wait that first takes back what the writer would have
 * given ends later, by 100 ms under Wine and 1.5 s on a Windows timer. */
enum { SHORT_WAIT_MS = 200, LATE_AFTER_STOPPED_US = 60000 };
enum { PING_PONG_ROUNDS = 5000, GROUP = 5, GROUP_ROUNDS = 1000 };
enum { THREAD_RING = 8, THREAD_RING_ROUNDS = 3000 };
enum { MANY = 64, THREADS = 8, ASLEEP_WITHIN_MS = 60000 };
/* The first of the MANY waiters waits while the test starts the others, one
 * by one, and sees them all asleep: under Wine on a loaded machine the
 * starts alone take more than BOUND_MS. The test allows ASLEEP_WITHIN_MS
 * for starts and sleep together, so each waiter's bound is that and
 * BOUND_MS for the wake. */
enum { MANY_BOUND_MS = ASLEEP_WITHIN_MS + BOUND_MS };
enum { TIMEOUT_REPEATS = 5, COPY_TIMEOUT_MS = 300 };

/* ---- the library, whichever way it is loaded ----------------------------- */

struct lib {
    void *handle; /* NULL: the linked DLL */
    int64_t (*get)(void);
    int64_t (*add)(int64_t delta);
    int (*wait)(int64_t seen, uint32_t timeout_ms, int64_t *now);
    int64_t (*increment)(void);
    int64_t (*decrement)(void);
    int64_t (*exchange)(int64_t value);
    int64_t (*compare_exchange)(int64_t expected, int64_t desired);
};

/* A thread that runs run(task): the first member of what it works on. */
struct task {
    void (*run)(struct task *task);
#if defined(_WIN32)
    HANDLE thread;
#else
    pthread_t thread;
#endif
};

/* The library under test in this process. */
static struct lib lib;

/* 0 when every function was found, -1 otherwise. */
static int lib_complete(const struct lib *l)
{
    return l->get != NULL && l->add != NULL && l->wait != NULL &&
                   l->increment != NULL && l->decrement != NULL &&
                   l->exchange != NULL && l->compare_exchange != NULL
               ? 0
               : -1;
}
/* What children get as LIB. */
static char lib_arg[4096] = "-";
/* LIB for the test-only sharedcounter_paused build, whose writers stop
 * between their update and their wake when the environment says so
 * (tests/support_pause.c); empty where there is none. */
static char paused_arg[4096];
#define PAUSE_VARIABLE "SC_TEST_PAUSE_BEFORE_WAKE"

#if defined(_WIN32)

static int lib_open(struct lib *l, const char *path)
{
    if (strcmp(path, "-") == 0) {
        *l = (struct lib){.get = sc_get,
                          .add = sc_add,
                          .wait = sc_wait,
                          .increment = sc_increment,
                          .decrement = sc_decrement,
                          .exchange = sc_exchange,
                          .compare_exchange = sc_compare_exchange};
        return 0;
    }
    HMODULE module = LoadLibraryA(path);
    if (module == NULL)
        return -1;
    l->handle = module;
    l->get = (int64_t(*)(void))sc__find_function(module, "sc_get");
    l->add = (int64_t(*)(int64_t))sc__find_function(module, "sc_add");
    l->wait = (int (*)(int64_t, uint32_t, int64_t *))sc__find_function(
        module, "sc_wait");
    l->increment = (int64_t(*)(void))sc__find_function(module, "sc_increment");
    l->decrement = (int64_t(*)(void))sc__find_function(module, "sc_decrement");
    l->exchange = (int64_t(*)(int64_t))sc__find_function(module, "sc_exchange");
    l->compare_exchange = (int64_t(*)(int64_t, int64_t))sc__find_function(
        module, "sc_compare_exchange");
    return lib_complete(l);
}

static void lib_close(struct lib *l)
{
    if (l->handle != NULL)
        assert_true(FreeLibrary(l->handle));
}

static void yield_cpu(void)
{
    SwitchToThread();
}

static DWORD WINAPI task_main(void *arg)
{
    struct task *task = arg;
    task->run(task);
    return 0;
}

static void task_start(struct task *task)
{
    task->thread = CreateThread(NULL, 0, task_main, task, 0, NULL);
    assert_non_null(task->thread);
}

static void task_join(struct task *task)
{
    assert_int_equal(WaitForSingleObject(task->thread, INFINITE),
                     WAIT_OBJECT_0);
    CloseHandle(task->thread);
}

static int task_join_within(struct task *task, unsigned ms)
{
    if (WaitForSingleObject(task->thread, ms) != WAIT_OBJECT_0)
        return 0;
    CloseHandle(task->thread);
    return 1;
}

#else

static int lib_open(struct lib *l, const char *path)
{
    l->handle = dlopen(path, RTLD_NOW);
    if (l->handle == NULL)
        return -1;
    *(void **)&l->get = dlsym(l->handle, "sc_get");
    *(void **)&l->add = dlsym(l->handle, "sc_add");
    *(void **)&l->wait = dlsym(l->handle, "sc_wait");
    *(void **)&l->increment = dlsym(l->handle, "sc_increment");
    *(void **)&l->decrement = dlsym(l->handle, "sc_decrement");
    *(void **)&l->exchange = dlsym(l->handle, "sc_exchange");
    *(void **)&l->compare_exchange = dlsym(l->handle, "sc_compare_exchange");
    return lib_complete(l);
}

static void lib_close(struct lib *l)
{
    assert_int_equal(dlclose(l->handle), 0);
}

static void yield_cpu(void)
{
    sched_yield();
}

static void *task_main(void *arg)
{
    struct task *task = arg;
    task->run(task);
    return NULL;
}

static void task_start(struct task *task)
{
    assert_int_equal(pthread_create(&task->thread, NULL, task_main, task), 0);
}

static void task_join(struct task *task)
{
    assert_int_equal(pthread_join(task->thread, NULL), 0);
}

static int task_join_within(struct task *task, unsigned ms)
{
    struct timespec limit;

    assert_int_equal(clock_gettime(CLOCK_REALTIME, &limit), 0);
    limit.tv_sec += (time_t)(ms / 1000);
    limit.tv_nsec += (long)(ms % 1000) * 1000000;
    if (limit.tv_nsec >= 1000000000) {
        limit.tv_sec++;
        limit.tv_nsec -= 1000000000;
    }
    return pthread_timedjoin_np(task->thread, NULL, &limit) == 0;
}

#endif

/* How far value is past base, in wrapping steps. */
static uint64_t steps(int64_t value, int64_t base)
{
    return (uint64_t)value - (uint64_t)base;
}

/* ---- the children ------------------------------------------------------- */

/* Round r: process 0 adds 1 once every process has added in round r - 1,
 * that is at base + r * n; each other process adds 1 once it has. Between
 * its turns each process waits for the others: every one of these waits
 * has a change coming, so each must return 1 before the bound. */
static int ring_main(char **argv)
{
    struct lib mine;
    int index = atoi(argv[1]), n = atoi(argv[2]);
    long rounds = atol(argv[3]);
    uint32_t bound = (uint32_t)strtoul(argv[4], NULL, 10);
    int64_t base = strtoll(argv[5], NULL, 10);
    uint64_t waits = 0, max_us = 0, total_us = 0;

    if (lib_open(&mine, argv[0]) != 0)
        return 3;
    int64_t value = mine.get();
    for (long r = 0; r < rounds; r++) {
        uint64_t turn = (uint64_t)r * (uint64_t)n + (index != 0);
        while (steps(value, base) < turn) {
            int64_t seen = value;
            uint64_t start = sc__clock_us();
            int result = mine.wait(seen, bound, &value);
            uint64_t took = sc__clock_us() - start;
            /* A wait that lasted its whole bound, or until the library
             * looked again by itself, was not woken: at the end it may
             * still see the change, and return 1. */
            if (result == 0 || took >= (uint64_t)bound * 1000 ||
                took >= LOST_US) {
                printf("lost wake-up: process %d of %d, round %ld of %ld: "
                       "sc_wait(%" PRId64 ", %" PRIu32 " ms) returned %d "
                       "after %" PRIu64 " us, the counter at %" PRId64 "\n",
                       index, n, r, rounds, seen, bound, result, took, value);
                return 1;
            }
            if (result != 1 || value == seen) {
                printf("sc_wait(%" PRId64 ") returned %d, now %" PRId64 "\n",
                       seen, result, value);
                return 1;
            }
            waits++;
            total_us += took;
            max_us = took > max_us ? took : max_us;
        }
        /* Every fourth turn comes late, well after the waiters' look
         * before they sleep (SPIN_US in dll/counter.c), so that they do
         * sleep and a lost wake-up shows. */
        if (r % 4 == 3)
            sc__sleep_ms(1);
        value = mine.add(1);
    }
    printf("waits %" PRIu64 " max_us %" PRIu64 " total_us %" PRIu64 "\n", waits,
           max_us, total_us);
    return 0;
}

static int wait_once_main(char **argv)
{
    struct lib mine;
    int64_t now;

    if (lib_open(&mine, argv[0]) != 0)
        return 3;
    printf("ready\n");
    fflush(stdout);
    int result = mine.wait(strtoll(argv[1], NULL, 10),
                           (uint32_t)strtoul(argv[2], NULL, 10), &now);
    printf("woke %d %" PRId64 "\n", result, now);
    return 0;
}

/* The threads of --threads-ring: each waits for every update of the
 * process's main thread, which makes the next once every thread has seen
 * the last. A thread that has seen one waits for the next while its
 * siblings are still waking from it. The first wait that was not woken
 * ends the ring: each of the rest would cost another second. */
struct ring_thread {
    struct task task;
    struct lib *l;
    int64_t base;
    long rounds;
    atomic_long *arrived;
    atomic_int *lost; /* set by the first thread whose wait was not woken */
    uint64_t waits, max_us;
    long lost_round; /* the first round a wait was not woken, or -1 */
    uint64_t lost_us;
};

static void ring_thread_run(struct task *task)
{
    struct ring_thread *t = (struct ring_thread *)task;
    int64_t value = t->l->get();

    for (long r = 1; r <= t->rounds; r++) {
        while (steps(value, t->base) < (uint64_t)r) {
            if (atomic_load(t->lost))
                return;
            uint64_t start = sc__clock_us();
            int result = t->l->wait(value, BOUND_MS, &value);
            uint64_t took = sc__clock_us() - start;
            if ((result != 1 || took >= LOST_US) && t->lost_round < 0) {
                t->lost_round = r;
                t->lost_us = took;
                atomic_store(t->lost, 1);
            }
            t->waits++;
            t->max_us = took > t->max_us ? took : t->max_us;
        }
        atomic_fetch_add(t->arrived, 1);
    }
}

static int threads_ring_main(char **argv)
{
    enum { MOST = 32 };
    struct lib mine;
    struct ring_thread threads[MOST];
    int n = atoi(argv[1]);
    long rounds = atol(argv[2]);
    atomic_long arrived = 0;
    atomic_int lost = 0;
    uint64_t waits = 0, max_us = 0;
    int status = 0;

    if (n < 1 || n > MOST || lib_open(&mine, argv[0]) != 0)
        return 3;
    int64_t base = mine.get();
    for (int i = 0; i < n; i++) {
        threads[i] = (struct ring_thread){.task = {.run = ring_thread_run},
                                          .l = &mine,
                                          .base = base,
                                          .rounds = rounds,
                                          .arrived = &arrived,
                                          .lost = &lost,
                                          .lost_round = -1};
        task_start(&threads[i].task);
    }
    /* After a lost wake, one more update lets the threads that wait see
     * that the ring has ended. */
    for (long r = 1; r <= rounds && !atomic_load(&lost); r++) {
        while (atomic_load(&arrived) < (long)n * (r - 1) && !atomic_load(&lost))
            yield_cpu();
        mine.add(1);
    }
    for (int i = 0; i < n; i++) {
        task_join(&threads[i].task);
        waits += threads[i].waits;
        max_us = threads[i].max_us > max_us ? threads[i].max_us : max_us;
        if (threads[i].lost_round >= 0) {
            printf("lost wake-up: thread %d of %d, round %ld of %ld: "
                   "sc_wait returned after %" PRIu64 " us\n",
                   i, n, threads[i].lost_round, rounds, threads[i].lost_us);
            status = 1;
        }
    }
    if (status == 0)
        printf("waits %" PRIu64 " max_us %" PRIu64 "\n", waits, max_us);
    return status;
}

/* With PAUSE_VARIABLE set and the paused build, the add stops between the
 * update and the wake, after the library has said "paused". It comes when
 * the test says so, in a process that is running already. */
static int add_once_main(char **argv)
{
    struct lib mine;
    char line[16];

    if (lib_open(&mine, argv[0]) != 0)
        return 3;
    printf("ready\n");
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL)
        return 3;
    printf("added %" PRId64 "\n", mine.add(1));
    return 0;
}

static void start_waiter_on(struct sc_self_child *p, const char *on,
                            int64_t seen, uint32_t bound)
{
    char args[4200], line[64];

    snprintf(args, sizeof args, "--wait-once %s %" PRId64 " %" PRIu32, on, seen,
             bound);
    sc__self_start(p, args);
    sc__self_line(p, line, sizeof line);
    assert_string_equal(line, "ready");
}

static void start_waiter(struct sc_self_child *p, int64_t seen, uint32_t bound)
{
    start_waiter_on(p, lib_arg, seen, bound);
}

/* Fails unless the waiter printed that it woke with the value expected,
 * and, unless since_us is 0, within limit_us of since_us, when the update
 * named by what was made. */
static void expect_woke_within(struct sc_self_child *p, const char *what,
                               int64_t expected, uint64_t since_us,
                               uint64_t limit_us)
{
    char line[128];
    int result = -2;
    long long now = 0;

    sc__self_line(p, line, sizeof line);
    uint64_t took = sc__clock_us() - since_us;
    if (since_us != 0 && took >= limit_us)
        fail_msg("waiter %lu: \"%s\" %" PRIu64 " us after %s, not within "
                 "%" PRIu64 " us",
                 (unsigned long)sc__self_pid(p), line, took, what, limit_us);
    if (sscanf(line, "woke %d %lld", &result, &now) != 2 || result != 1 ||
        now != expected)
        fail_msg("waiter %lu: \"%s\" after %s, expected \"woke 1 %" PRId64 "\"",
                 (unsigned long)sc__self_pid(p), line, what, expected);
    char rest[8192];
    assert_int_equal(sc__self_finish(p, rest, sizeof rest), 0);
}

static void expect_woke(struct sc_self_child *p, int64_t expected)
{
    expect_woke_within(p, "sc_add(1)", expected, 0, 0);
}

/* ---- the storage, seen from outside (white-box) ------------------------- */

static const volatile struct sc_shared_storage *storage;

#if defined(_WIN32)

/* Whether process pid has ended: a waiter whose wait returned leaves the
 * table on its way out, which is no fault of the table. */
static int has_ended(uint32_t pid)
{
    HANDLE process = OpenProcess(SYNCHRONIZE, FALSE, pid);
    int ended =
        process == NULL || WaitForSingleObject(process, 0) == WAIT_OBJECT_0;

    if (process != NULL)
        CloseHandle(process);
    return ended;
}

static const volatile struct sc_process_slot *
slot_of(const volatile struct sc_shared_storage *in_view, uint32_t pid)
{
    const volatile struct sc_process_table *table = &in_view->processes;

    for (int i = 0; i < SC_PROCESS_SLOTS; i++) {
        const volatile struct sc_process_slot *s = &table->slots[i];
        if (s->owner != 0 && (uint32_t)s->owner == pid)
            return s;
    }
    int taken = 0;
    for (int i = 0; i < SC_PROCESS_SLOTS; i++)
        taken += table->slots[i].owner != 0;
    fail_msg("process %lu has no slot (%s; %d taken, overflow %d)",
             (unsigned long)pid, has_ended(pid) ? "it has ended" : "it runs",
             taken, (int)table->overflow);
    return NULL;
}

/* Whether each of pids (n of them) counts at least per_process threads in
 * sc_wait in its slot: they sleep or are about to. */
static int asleep(const volatile struct sc_shared_storage *in_view,
                  const uint32_t *pids, int n, int per_process)
{
    for (int i = 0; i < n; i++)
        if (slot_of(in_view, pids[i])->waiting < per_process)
            return 0;
    return 1;
}

#if defined(SC_TEST_HARDENED)
/* The named mapping of this DLL file and user, as the DLL names it. */
static const void *storage_view(const char *dll)
{
    union sc_user_sid user;
    WCHAR path[MAX_PATH], name[SC_MAPPING_NAME_SIZE];

    assert_true(GetModuleFileNameW(GetModuleHandleA(dll), path, MAX_PATH) > 0);
    assert_int_equal(sc__current_user(&user), 0);
    assert_int_equal(sc__mapping_name(path, sc__user_sid(&user), name), 0);
    HANDLE mapping = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
    assert_non_null(mapping);
    const void *view = MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, 0);
    assert_non_null(view);
    CloseHandle(mapping);
    return view;
}
#else
/* The DLL's .shared section, where this process has it loaded: the
 * module's base plus the section's address in the file's headers. */
static const void *storage_view(const char *dll)
{
    struct sc_test_image image;
    char path[MAX_PATH];
    HMODULE module = GetModuleHandleA(dll);

    assert_non_null(module);
    assert_true(GetModuleFileNameA(module, path, sizeof path) > 0);
    sc__test_image_load_path(&image, path);
    long shared = sd_pe_find_section(&image.parsed.pe, ".shared");
    assert_true(shared >= 0);
    uint32_t rva = image.parsed.pe.sections[shared].virtual_address;
    sc__test_image_free(&image);
    return (const char *)module + rva;
}
#endif

#else

/* The shared-memory object of the library at path. */
static const void *storage_view(const char *path)
{
    char object[512];

    sc__object_path(path, object, sizeof object);
    int fd = open(object, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    void *view = mmap(NULL, sizeof(struct sc_shared_storage), PROT_READ,
                      MAP_SHARED, fd, 0);
    assert_true(view != MAP_FAILED);
    close(fd);
    return view;
}

/* The state letter of /proc/<pid>/stat (or of a thread's task). */
static char state_of(const char *stat_path)
{
    char text[512];
    FILE *f = fopen(stat_path, "r");

    if (f == NULL)
        return '?';
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = '\0';
    const char *end = strrchr(text, ')');
    return end != NULL && end[1] == ' ' ? end[2] : '?';
}

/* Whether each of pids sleeps. Each said "ready" just before its one
 * sc_wait, so its sleep now is the futex's. */
static int asleep(const volatile struct sc_shared_storage *in_view,
                  const uint32_t *pids, int n, int per_process)
{
    char path[64];

    (void)in_view;
    (void)per_process;
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/proc/%lu/stat", (unsigned long)pids[i]);
        if (state_of(path) != 'S')
            return 0;
    }
    return 1;
}

#endif

/* The value to wait on, once an update has lowered whatever arms earlier
 * waiters left in the word: the arms counted next are the next waiters'
 * own. */
static int64_t fresh_seen(struct lib *l,
                          const volatile struct sc_shared_storage *in_view)
{
    if (sc__wait_armed(in_view->wait_word))
        l->add(1);
    assert_false(sc__wait_armed(in_view->wait_word));
    return l->get();
}

/* Polls until the waiters of the storage in view sleep, and fails if they
 * do not within ASLEEP_WITHIN_MS of since_us (an sc__clock_us time):
 * otherwise a wake could come before they wait, and the test would prove
 * nothing about waking. The waiters took their value from fresh_seen(). */
static void wait_asleep_since(const volatile struct sc_shared_storage *in_view,
                              uint64_t since_us, const uint32_t *pids, int n,
                              int per_process)
{
    uint64_t limit = since_us + (uint64_t)ASLEEP_WITHIN_MS * 1000;

    /* A waiter arms after it has counted itself in (or, on Linux, before
     * it is seen asleep), and only then is a writer bound to wake it: until
     * then its look at the counter would find the change instead. */
    while (!asleep(in_view, pids, n, per_process) ||
           sc__wait_arms(in_view->wait_word) < (uint32_t)(n * per_process)) {
        if (sc__clock_us() > limit)
            fail_msg("the waiters did not go to sleep within %d ms",
                     ASLEEP_WITHIN_MS);
        sc__sleep_ms(1);
    }
}

static void wait_asleep_on(const volatile struct sc_shared_storage *in_view,
                           const uint32_t *pids, int n, int per_process)
{
    wait_asleep_since(in_view, sc__clock_us(), pids, n, per_process);
}

static void wait_asleep(const uint32_t *pids, int n, int per_process)
{
    wait_asleep_on(storage, pids, n, per_process);
}

/* ---- threads ------------------------------------------------------------- */

struct waiting_thread {
    struct task task;
    struct lib *l;
    int64_t seen;
    uint32_t timeout_ms;
    int result;
    int64_t now;
    uint64_t took_us;
    uint64_t ended_us; /* on sc__clock_us() */
};

static void wait_in_thread(struct task *task)
{
    struct waiting_thread *w = (struct waiting_thread *)task;
    uint64_t start = sc__clock_us();

    w->result = w->l->wait(w->seen, w->timeout_ms, &w->now);
    w->ended_us = sc__clock_us();
    w->took_us = w->ended_us - start;
}

static void thread_start(struct waiting_thread *w)
{
    w->task.run = wait_in_thread;
    task_start(&w->task);
}

static void thread_join(struct waiting_thread *w)
{
    task_join(&w->task);
}

/* Whether its sc_wait returned within ms; if not, the thread is left in
 * it, with w. */
static int thread_join_within(struct waiting_thread *w, unsigned ms)
{
    return task_join_within(&w->task, ms);
}

#if defined(_WIN32)

/* This process's slot counts each of its threads in sc_wait. */
static void wait_threads_asleep_on(const volatile struct sc_shared_storage *on,
                                   int n)
{
    uint32_t self = GetCurrentProcessId();
    wait_asleep_on(on, &self, 1, n);
}

#else

/* Every thread but this one sleeps (the waiting threads do nothing else
 * that could), and has armed. */
static void wait_threads_asleep_on(const volatile struct sc_shared_storage *on,
                                   int n)
{
    uint64_t limit = sc__clock_us() + (uint64_t)ASLEEP_WITHIN_MS * 1000;
    char path[300];

    for (;;) {
        int sleeping = 0;
        DIR *tasks = opendir("/proc/self/task");
        assert_non_null(tasks);
        for (struct dirent *e; (e = readdir(tasks)) != NULL;) {
            if (e->d_name[0] == '.' || atol(e->d_name) == gettid())
                continue;
            snprintf(path, sizeof path, "/proc/self/task/%s/stat", e->d_name);
            sleeping += state_of(path) == 'S';
        }
        closedir(tasks);
        if (sleeping >= n && sc__wait_arms(on->wait_word) >= (uint32_t)n)
            return;
        if (sc__clock_us() > limit)
            fail_msg("%d of %d threads asleep after %d ms", sleeping, n,
                     ASLEEP_WITHIN_MS);
        sc__sleep_ms(1);
    }
}

#endif

static void wait_threads_asleep(int n)
{
    wait_threads_asleep_on(storage, n);
}

/* ---- no lost wake-up ---------------------------------------------------- */

static void run_ring(int n, long rounds)
{
    struct sc_self_child procs[GROUP];
    char args[4300], out[4096];
    uint64_t waits = 0, max_us = 0, total_us = 0;
    int64_t base = lib.get();

    uint64_t start = sc__clock_us();
    for (int i = 0; i < n; i++) {
        snprintf(args, sizeof args, "--ring %s %d %d %ld %" PRIu32 " %" PRId64,
                 lib_arg, i, n, rounds, (uint32_t)BOUND_MS, base);
        sc__self_start(&procs[i], args);
    }
    for (int i = 0; i < n; i++) {
        unsigned long long w = 0, m = 0, t = 0;
        int code = sc__self_finish(&procs[i], out, sizeof out);
        if (code != 0 || sscanf(out, "waits %llu max_us %llu total_us %llu", &w,
                                &m, &t) != 3)
            fail_msg("process %d of %d exited with %d:\n%s", i, n, code, out);
        waits += w;
        total_us += t;
        max_us = m > max_us ? m : max_us;
    }
    double seconds = (double)(sc__clock_us() - start) / 1e6;
    assert_int_equal(steps(lib.get(), base), (uint64_t)n * (uint64_t)rounds);
    printf("[ FIGURES  ] %d processes x %ld rounds: %" PRIu64 " waits, every "
           "one woken; wait to return: max %.2f ms, mean %.3f ms; %.1f s\n",
           n, rounds, waits, (double)max_us / 1e3,
           waits > 0 ? (double)total_us / (double)waits / 1e3 : 0.0, seconds);
}

static void two_processes_ping_pong(void **state)
{
    (void)state;
    run_ring(2, PING_PONG_ROUNDS);
}

static void one_writer_four_waiters(void **state)
{
    (void)state;
    run_ring(GROUP, GROUP_ROUNDS);
}

static void threads_of_one_process_each_get_their_wake(void **state)
{
    struct sc_self_child ring;
    char args[4300], out[4096];
    unsigned long long waits = 0, max_us = 0;
    (void)state;

    uint64_t start = sc__clock_us();
    snprintf(args, sizeof args, "--threads-ring %s %d %d", lib_arg, THREAD_RING,
             THREAD_RING_ROUNDS);
    sc__self_start(&ring, args);
    int code = sc__self_finish(&ring, out, sizeof out);
    if (code != 0 ||
        sscanf(out, "waits %llu max_us %llu", &waits, &max_us) != 2)
        fail_msg("%d threads x %d rounds exited with %d:\n%s", THREAD_RING,
                 THREAD_RING_ROUNDS, code, out);
    printf("[ FIGURES  ] %d threads of one process x %d rounds: %llu waits, "
           "every one woken; wait to return: max %.2f ms; %.1f s\n",
           THREAD_RING, THREAD_RING_ROUNDS, waits, (double)max_us / 1e3,
           (double)(sc__clock_us() - start) / 1e6);
}

/* ---- a writer stopped before its wake -------------------------------------
 */

/* A writer of the paused build, running and ready to add. */
static void start_writer(struct sc_self_child *writer)
{
    char args[4200], line[64];

    snprintf(args, sizeof args, "--add-once %s", paused_arg);
    sc__self_set_flag(PAUSE_VARIABLE, 1);
    sc__self_start(writer, args);
    sc__self_set_flag(PAUSE_VARIABLE, 0);
    sc__self_line(writer, line, sizeof line);
    assert_string_equal(line, "ready");
}

/* It updates the counter and stops before its wake, as a debugger or
 * SIGSTOP could stop it. */
static void stop_writer_before_its_wake(struct sc_self_child *writer)
{
    char line[64];

    sc__self_send(writer, "go\n");
    sc__self_line(writer, line, sizeof line);
    assert_string_equal(line, "paused");
}

static void start_stopped_writer(struct sc_self_child *writer)
{
    start_writer(writer);
    stop_writer_before_its_wake(writer);
}

static void stopped_writer_strands_nobody(void **state)
{
    struct lib paused;
    struct sc_self_child waiter, writer;
    (void)state;

    assert_int_equal(lib_open(&paused, paused_arg), 0);
    const volatile struct sc_shared_storage *in_view = storage_view(paused_arg);

    /* The next writer wakes the sleeper at once. */
    start_waiter_on(&waiter, paused_arg, fresh_seen(&paused, in_view),
                    BOUND_MS);
    uint32_t pid = sc__self_pid(&waiter);
    wait_asleep_on(in_view, &pid, 1, 1);
    start_stopped_writer(&writer);
    uint64_t start = sc__clock_us();
    expect_woke_within(&waiter, "the next writer's sc_add(1)", paused.add(1),
                       start, LOST_US);
    uint64_t next_writer_us = sc__clock_us() - start;
    sc__self_kill(&writer);

    /* Killed before its wake, and nobody writes after it: the sleeper sees
     * its update when it looks again. */
    int64_t seen = fresh_seen(&paused, in_view);
    start_waiter_on(&waiter, paused_arg, seen, BOUND_MS);
    pid = sc__self_pid(&waiter);
    wait_asleep_on(in_view, &pid, 1, 1);
    start_stopped_writer(&writer);
    sc__self_kill(&writer);
    start = sc__clock_us();
    expect_woke_within(&waiter, "the stopped writer's death",
                       sc__wrapping_add(seen, 1), start, RECHECK_WITHIN_US);
    uint64_t killed_us = sc__clock_us() - start;

    /* A waiter with a timeout, whose writer stopped before waking it, sees
     * the update when its time is up, and no later: it has nothing to take
     * back from the stopped writer. Three times, so that one slow turn of
     * a busy machine cannot fail it, while a wait that always pays for
     * the stopped writer does. */
    uint64_t least_late = UINT64_MAX;
    for (int i = 0; i < 3; i++) {
        struct waiting_thread w = {.l = &paused,
                                   .seen = fresh_seen(&paused, in_view),
                                   .timeout_ms = SHORT_WAIT_MS};
        start_writer(&writer);
        thread_start(&w);
        wait_threads_asleep_on(in_view, 1);
        stop_writer_before_its_wake(&writer);
        thread_join(&w);
        sc__self_kill(&writer);
        assert_int_equal(w.result, 1);
        assert_int_equal(w.now, sc__wrapping_add(w.seen, 1));
        assert_true(w.took_us >= SHORT_WAIT_MS * 1000u);
        uint64_t late = w.took_us - SHORT_WAIT_MS * 1000u;
        least_late = late < least_late ? late : least_late;
    }
    if (least_late >= LATE_AFTER_STOPPED_US)
        fail_msg("a wait of %d ms whose writer stopped before its wake ended "
                 "%.1f ms late, or more, three times",
                 SHORT_WAIT_MS, (double)least_late / 1e3);
    printf("[ FIGURES  ] a writer stopped before its wake: the next writer "
           "woke the sleeper in %.1f ms; once it was killed, the sleeper saw "
           "its update %.1f ms later; a wait of %d ms ended %.1f ms late\n",
           (double)next_writer_us / 1e3, (double)killed_us / 1e3, SHORT_WAIT_MS,
           (double)least_late / 1e3);
    lib_close(&paused);
}

/* ---- many at once -------------------------------------------------------- */

static void sixty_four_processes_wake_on_one_add(void **state)
{
    static struct sc_self_child procs[MANY];
    uint32_t pids[MANY];
    (void)state;

    int64_t seen = fresh_seen(&lib, storage);
    uint64_t first = sc__clock_us();
    for (int i = 0; i < MANY; i++) {
        start_waiter(&procs[i], seen, MANY_BOUND_MS);
        pids[i] = sc__self_pid(&procs[i]);
    }
    wait_asleep_since(storage, first, pids, MANY, 1);
    uint64_t start = sc__clock_us();
    int64_t after = lib.add(1);
    for (int i = 0; i < MANY; i++)
        expect_woke(&procs[i], after);
    printf("[ FIGURES  ] %d waiting processes, one sc_add: all woke with "
           "%" PRId64 ", the last reported %.1f ms after the add\n",
           MANY, after, (double)(sc__clock_us() - start) / 1e3);
}

static void threads_of_one_process_all_wake(void **state)
{
    struct waiting_thread threads[THREADS];
    (void)state;

    int64_t seen = fresh_seen(&lib, storage);
    for (int i = 0; i < THREADS; i++) {
        threads[i] = (struct waiting_thread){
            .l = &lib, .seen = seen, .timeout_ms = BOUND_MS};
        thread_start(&threads[i]);
    }
    wait_threads_asleep(THREADS);
    uint64_t added = sc__clock_us();
    int64_t after = lib.add(1);
    for (int i = 0; i < THREADS; i++)
        thread_join(&threads[i]);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(threads[i].result, 1);
        assert_int_equal(threads[i].now, after);
        /* Not woken, it would have seen the change on its own look. */
        if (threads[i].ended_us - added >= LOST_US)
            fail_msg("thread %d of %d returned %.1f ms after the sc_add: it "
                     "was not woken",
                     i, THREADS, (double)(threads[i].ended_us - added) / 1e3);
    }
}

/* ---- every kind of update ------------------------------------------------ */

enum update_kind { INCREMENT, DECREMENT, ADD, EXCHANGE, COMPARE_EXCHANGE };

static const struct {
    enum update_kind kind;
    const char *name;
    int64_t moves_by;
} updates[] = {
    {INCREMENT, "sc_increment()", 1},
    {DECREMENT, "sc_decrement()", -1},
    {ADD, "sc_add(5)", 5},
    {EXCHANGE, "sc_exchange(seen + 7)", 7},
    {COMPARE_EXCHANGE, "sc_compare_exchange(seen, seen - 3)", -3},
};

/* Makes updates[u] on a counter at seen; returns the value it leaves. */
static int64_t make_update(size_t u, int64_t seen)
{
    int64_t target = sc__wrapping_add(seen, updates[u].moves_by);

    switch (updates[u].kind) {
    case INCREMENT:
        lib.increment();
        break;
    case DECREMENT:
        lib.decrement();
        break;
    case ADD:
        lib.add(updates[u].moves_by);
        break;
    case EXCHANGE:
        lib.exchange(target);
        break;
    case COMPARE_EXCHANGE:
        lib.compare_exchange(seen, target);
        break;
    }
    return target;
}

/* A process asleep in sc_wait(SC_WAIT_FOREVER) is woken by each kind of
 * update: one whose writer forgot the wake would be seen only on the
 * library's own look, a second after the waiter fell asleep. */
static void every_update_wakes_a_sleeper(void **state)
{
    (void)state;

    for (size_t u = 0; u < sizeof updates / sizeof *updates; u++) {
        struct sc_self_child waiter;
        int64_t seen = fresh_seen(&lib, storage);
        start_waiter(&waiter, seen, SC_WAIT_FOREVER);
        uint32_t pid = sc__self_pid(&waiter);
        wait_asleep(&pid, 1, 1);
        uint64_t start = sc__clock_us();
        int64_t after = make_update(u, seen);
        expect_woke_within(&waiter, updates[u].name, after, start, LOST_US);
        printf("[ FIGURES  ] %s: the sleeper reported %.1f ms later\n",
               updates[u].name, (double)(sc__clock_us() - start) / 1e3);
    }
}

/* ---- a killed waiter ----------------------------------------------------- */

static void killed_waiter_leaves_nothing_behind(void **state)
{
    struct sc_self_child waiter, later;
    (void)state;

    start_waiter(&waiter, fresh_seen(&lib, storage), 60000);
    uint32_t pid = sc__self_pid(&waiter);
    wait_asleep(&pid, 1, 1);
    assert_true(sc__wait_armed(storage->wait_word));
    sc__self_kill(&waiter);

    /* One update wakes nobody, and lowers the dead waiter's arm. */
    lib.add(1);
    assert_false(sc__wait_armed(storage->wait_word));
    /* The writers after it find no arm and skip the wake. */
    uint32_t generation = sc__wait_generation(storage->wait_word);
    lib.add(1);
    assert_int_equal(sc__wait_generation(storage->wait_word), generation);

    /* A later waiter sleeps and wakes as ever. */
    start_waiter(&later, fresh_seen(&lib, storage), BOUND_MS);
    pid = sc__self_pid(&later);
    wait_asleep(&pid, 1, 1);
    expect_woke(&later, lib.add(1));
    assert_false(sc__wait_armed(storage->wait_word));
}

/* ---- timeouts ------------------------------------------------------------ */

/* Set when a wait that never returned is left in its thread: the library
 * stays loaded under it. */
static int wait_left_running;

/* Each wait runs in a thread, so that one that never ends fails the test
 * instead of hanging it. The longest is longer than the library's look
 * every second (RECHECK_MS in dll/counter.c): the sleep after that look
 * must still end no earlier than the timeout. */
static void timeouts_end_never_early(void **state)
{
    static const uint32_t timeouts[] = {0, 1, 10, 50, 200, 1100};
    /* A wait that never ends is left in its thread, still using it. */
    static struct waiting_thread w;
    (void)state;

    for (size_t t = 0; t < sizeof timeouts / sizeof *timeouts; t++) {
        uint64_t least = UINT64_MAX, most = 0, limit_us = timeouts[t] * 1000u;
        unsigned given_ms = timeouts[t] + 2 * LATE_LIMIT_US / 1000;
        for (int i = 0; i < TIMEOUT_REPEATS; i++) {
            int64_t seen = lib.get();
            w = (struct waiting_thread){
                .l = &lib, .seen = seen, .timeout_ms = timeouts[t]};
            w.now = ~seen;
            thread_start(&w);
            if (!thread_join_within(&w, given_ms)) {
                wait_left_running = 1;
                fail_msg("sc_wait(%" PRIu32 " ms) had not returned after %u ms",
                         timeouts[t], given_ms);
            }
            uint64_t took = w.took_us;
            assert_int_equal(w.result, 0);
            assert_int_equal(w.now, seen);
            if (took < limit_us)
                fail_msg("sc_wait(%" PRIu32 " ms) returned 0 after %" PRIu64
                         " us: early",
                         timeouts[t], took);
            if (took > limit_us + LATE_LIMIT_US)
                fail_msg("sc_wait(%" PRIu32 " ms) returned after %" PRIu64
                         " us",
                         timeouts[t], took);
            least = took < least ? took : least;
            most = took > most ? took : most;
        }
        printf("[ FIGURES  ] timeout %3" PRIu32 " ms: returned after %.3f to "
               "%.3f ms, late by %.3f ms at most\n",
               timeouts[t], (double)least / 1e3, (double)most / 1e3,
               (double)(most - limit_us) / 1e3);
    }
}

static void immediate_answers(void **state)
{
    int64_t seen = lib.get(), now = ~seen;
    int64_t other = sc__wrapping_add(seen, 1);
    (void)state;

    uint64_t start = sc__clock_us();
    assert_int_equal(lib.wait(seen, 0, &now), 0);
    assert_int_equal(now, seen);
    assert_int_equal(lib.wait(seen, 0, NULL), 0);
    /* A value that differs already: 1 at once, whatever the timeout. */
    now = other;
    assert_int_equal(lib.wait(other, 0, &now), 1);
    assert_int_equal(now, seen);
    now = other;
    assert_int_equal(lib.wait(other, SC_WAIT_FOREVER, &now), 1);
    assert_int_equal(now, seen);
    assert_int_equal(lib.wait(other, BOUND_MS, NULL), 1);
    uint64_t took = sc__clock_us() - start;
    assert_true(took < LATE_LIMIT_US);
    printf("[ FIGURES  ] six calls that answer at once: %.3f ms in all\n",
           (double)took / 1e3);

    /* A NULL now through a timeout, and through a real sleep and wake. */
    assert_int_equal(lib.wait(seen, 1, NULL), 0);
    seen = fresh_seen(&lib, storage);
    struct waiting_thread w = {.l = &lib, .seen = seen, .timeout_ms = BOUND_MS};
    thread_start(&w);
    wait_threads_asleep(1);
    lib.add(1);
    thread_join(&w);
    assert_int_equal(w.result, 1);
}

/* ---- a copy of the library ------------------------------------------------
 */

static void copy_has_its_own_waiters(void **state)
{
    char dir[4096], path[4200];
    struct lib copy;
    (void)state;

    sc__test_make_dir(dir, sizeof dir);
#if defined(_WIN32)
    sc__test_copy(SC_TEST_DLL, dir, SC_TEST_DLL);
    sc__test_path(path, sizeof path, dir, SC_TEST_DLL);
#else
    sc__library_copy(dir, "libsharedcounter-copy.so", path, sizeof path);
#endif
    assert_int_equal(lib_open(&copy, path), 0);

    /* The original changes all through the copy's wait, which times out. */
    struct waiting_thread w = {
        .l = &copy, .seen = copy.get(), .timeout_ms = COPY_TIMEOUT_MS};
    uint64_t timed_out_us;
    int changes = 0;
    thread_start(&w);
    uint64_t end = sc__clock_us() + COPY_TIMEOUT_MS * 1000u;
    while (sc__clock_us() < end) {
        lib.add(1);
        changes++;
        sc__sleep_ms(1);
    }
    thread_join(&w);
    assert_int_equal(w.result, 0);
    assert_int_equal(w.now, w.seen);
    assert_true(w.took_us >= COPY_TIMEOUT_MS * 1000u);
    assert_true(changes > 10);
    timed_out_us = w.took_us;

    /* And the copy's own change wakes it. */
    w = (struct waiting_thread){
        .l = &copy, .seen = copy.get(), .timeout_ms = BOUND_MS};
    thread_start(&w);
    int64_t after = copy.add(1);
    thread_join(&w);
    assert_int_equal(w.result, 1);
    assert_int_equal(w.now, after);
    printf("[ FIGURES  ] the original changed %d times during the copy's "
           "wait of %d ms, which timed out after %.1f ms\n",
           changes, COPY_TIMEOUT_MS, (double)timed_out_us / 1e3);
    lib_close(&copy);
    sc__test_remove_dir(dir);
}

/* ---- main ---------------------------------------------------------------- */

#if !defined(_WIN32)
static char scratch[64];
static const char *library_file;
static const char *paused_file;

/* The library under test is a copy of its own, and so is the paused
 * build. */
static int setup(void **state)
{
    (void)state;
    sc__test_make_dir(scratch, sizeof scratch);
    sc__file_copy(library_file,
                  strcat(strcpy(lib_arg, scratch), "/libsharedcounter.so"));
    if (paused_file != NULL)
        sc__file_copy(paused_file, strcat(strcpy(paused_arg, scratch),
                                          "/libsharedcounter-paused.so"));
    assert_int_equal(lib_open(&lib, lib_arg), 0);
    storage = storage_view(lib_arg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (!wait_left_running)
        lib_close(&lib);
    sc__test_remove_dir(scratch);
    return 0;
}
#else
static int setup(void **state)
{
    (void)state;
#if defined(SC_TEST_PAUSED_DLL)
    snprintf(paused_arg, sizeof paused_arg, "%s", SC_TEST_PAUSED_DLL);
#endif
    lib_open(&lib, "-");
    storage = storage_view(SC_TEST_DLL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return 0;
}
#endif

int main(int argc, char **argv)
{
    if (argc == 8 && strcmp(argv[1], "--ring") == 0)
        return ring_main(argv + 2);
    if (argc == 5 && strcmp(argv[1], "--wait-once") == 0)
        return wait_once_main(argv + 2);
    if (argc == 5 && strcmp(argv[1], "--threads-ring") == 0)
        return threads_ring_main(argv + 2);
    if (argc == 3 && strcmp(argv[1], "--add-once") == 0)
        return add_once_main(argv + 2);
#if !defined(_WIN32)
    library_file = sc__library_file();
#endif
    for (int i = 1; i < argc; i++) {
#if !defined(_WIN32)
        if (strcmp(argv[i], "--library") == 0 && i + 1 < argc)
            library_file = argv[++i];
        else if (strcmp(argv[i], "--paused") == 0 && i + 1 < argc)
            paused_file = argv[++i];
        else
#endif
            return 2;
    }

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_processes_ping_pong),
        cmocka_unit_test(one_writer_four_waiters),
        cmocka_unit_test(threads_of_one_process_each_get_their_wake),
        cmocka_unit_test(sixty_four_processes_wake_on_one_add),
        cmocka_unit_test(threads_of_one_process_all_wake),
        cmocka_unit_test(every_update_wakes_a_sleeper),
        cmocka_unit_test(killed_waiter_leaves_nothing_behind),
        cmocka_unit_test(timeouts_end_never_early),
        cmocka_unit_test(immediate_answers),
        cmocka_unit_test(copy_has_its_own_waiters),
        /* Last, for the builds that have a paused twin. */
        cmocka_unit_test(stopped_writer_strands_nobody),
    };
#if defined(_WIN32) && defined(SC_TEST_PAUSED_DLL)
    int with_paused = 1;
#elif defined(_WIN32)
    int with_paused = 0;
#else
    int with_paused = paused_file != NULL;
#endif
    sc__test_filter_from_environment();
    return _cmocka_run_group_tests(
        "test_wait", tests,
        sizeof tests / sizeof *tests - (with_paused ? 0 : 1), setup, teardown);
}
