/*
 * What the test programs of tests/ and tests/native/ share, in one module:
 * support.c holds what both systems do alike, support_win32.c and
 * support_posix.c their own halves. Built images are read by a module of
 * their own (image.h), which only the tests that read images link.
 *
 * Both systems: wrapping arithmetic on counter values (wrapping.h), the
 * clock (clock.h), the text and path helpers (text_paths.h), the saved
 * counter, scratch folders, the API's names from dll/sharedcounter.def
 * (sc_api_names.h), the project's programs as children with pipes, threads
 * released together. Windows: the harness that the benchmark shares
 * (child_process.h: children in a job that kills them with the test, the
 * test program re-launched as a worker, start gates), the client programs
 * run with their input, interactive sessions. POSIX: copies of the library
 * and the API loaded from one, its shared-memory object, and children in
 * process groups of their own that die with the test.
 *
 * The sc__test_* functions that act fail the running cmocka test when they
 * cannot; the harness's return 0 or an error code, because workers (which
 * run no cmocka test) and the benchmark call them as well.
 */
#ifndef SC_TEST_SUPPORT_H
#define SC_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#include <windows.h>

#include "child_process.h"
#else
#include <sys/types.h>
#endif

#include "clock.h"
#include "sc_api_names.h"
#include "sharedcounter.h"
#include "text_paths.h"
#include "wrapping.h"

/* ---- counter values ----------------------------------------------------- */

/* A cmocka group setup and teardown for tests that set the counter to
 * extreme values: the value it held before is put back afterwards. They are
 * inline so that a program that links no build of the library, such as
 * test_process_table_code, can use the rest of this library. */
static inline int sc__save_counter(void **state)
{
    static int64_t saved;

    saved = sc_get();
    *state = &saved;
    return 0;
}

static inline int sc__restore_counter(void **state)
{
    sc_exchange(*(int64_t *)*state);
    return 0;
}

/* This process's id, as sc_processes() lists it. */
uint32_t sc__test_pid(void);

/* ---- threads ------------------------------------------------------------ */

/* Runs run on count threads at once, the i-th on the i-th of the count
 * objects of size bytes at args, all released together once every thread
 * has started; returns when all have ended. Fails the test if a thread
 * cannot be made. */
void sc__test_threads_run(void (*run)(void *arg), void *args, size_t size,
                          size_t count);

/* ---- scratch folders ---------------------------------------------------- */

/* Makes a new, empty scratch folder (Windows: under %TEMP%, its path with a
 * trailing backslash; POSIX: under /tmp, without) and writes its path into
 * buf; fails the test if it cannot. */
void sc__test_make_dir(char *buf, size_t size);

/* Removes the folder made by sc__test_make_dir() and the files in it; on
 * Windows a file that cannot go fails the test. */
void sc__test_remove_dir(const char *dir);

/* ---- a library loaded at run time --------------------------------------- */

/* The library file at path, loaded (LoadLibrary, dlopen); NULL if it cannot
 * be. */
void *sc__test_library_load(const char *path);

/* What the loaded library exports as name, or NULL. */
void *sc__test_library_symbol(void *library, const char *name);

void sc__test_library_unload(void *library);

/* ---- text ---------------------------------------------------------------- */

/* Fails the test, showing text, unless part occurs in it. */
void sc__test_assert_contains(const char *text, const char *part);

/* ---- one case of a suite ------------------------------------------------ */

/* When the environment's SC_TEST_FILTER is set, cmocka runs only the cases
 * whose names match it (* and ? as in the shell): tests/mutants runs the one
 * case that catches a broken build. Call it before the cases run. */
void sc__test_filter_from_environment(void);

/* Long enough for any child that works; a hung one fails the test. */
enum { SC_TEST_CHILD_TIMEOUT_MS = 120000 };

#if defined(_WIN32)

/* The CPU time, user and kernel, that process has taken so far, in ms. */
ULONGLONG sc__test_cpu_ms(HANDLE process);

/* ---- a console of its own ----------------------------------------------- */

/* What the test program is started with to hold a console for
 * sc__test_attach_own_console(): its main then returns
 * sc__test_hold_console(). */
#define SC_TEST_HOLD_CONSOLE "--hold-console"

/* Starts this very program with SC_TEST_HOLD_CONSOLE in a console of its
 * own without a window (which needs no display), attaches this program to
 * that console and ends the holder: the console lives on with this
 * program, and the children it starts without SC_CHILD_DETACHED share it.
 * Returns 0, or -1 after saying why on stderr. */
int sc__test_attach_own_console(void);

/* The holder's whole run: it only has to run until the test program has
 * attached to its console. It runs in the test's job, so it cannot outlive
 * the test either. */
int sc__test_hold_console(void);

/* ---- client programs ---------------------------------------------------- */

struct sc_test_run {
    DWORD exit_code;
    struct sc_child_output output;
};

/* Writes dir + file into buf; dir NULL means the folder of the project's
 * programs and DLLs (bin/), which the test programs, in a folder of their
 * own, run from. */
void sc__test_path(char *buf, size_t size, const char *dir, const char *file);

/* Runs program (a path) with args, feeds it input (len bytes, may be 0)
 * on stdin, then closes stdin and waits for it. The input should draw
 * little output: it is written before the output is read. */
void sc__test_run(struct sc_test_run *run, const char *program,
                  const char *args, const char *input, size_t len);

/* The same, started in its program's folder rather than in bin/, so that
 * it finds only the DLLs beside it: for a program copied alone. */
void sc__test_run_alone(struct sc_test_run *run, const char *program,
                        const char *args, const char *input, size_t len);

void sc__test_run_free(struct sc_test_run *run);

/* Interactive sessions: one command line in, one value line out. Starting
 * one returns the value the client printed when it started. */
int64_t sc__test_session_start(struct sc_child *child, const char *program);
int64_t sc__test_session_send(struct sc_child *child, const char *line);
/* Sends "q" and checks that the client exits with code 0. */
void sc__test_session_end(struct sc_child *child);

/* ---- scratch folders ---------------------------------------------------- */

/* Makes a new, empty folder under %TEMP% ("sc-test-<pid>-<n>") and writes
 * its path, with a trailing backslash, into buf. Returns 0 or a Win32 error
 * code. */
DWORD sc__temp_dir_create(char *buf, size_t size);

/* Deletes the files in the folder made by sc__temp_dir_create(), then the
 * folder. Returns 0, or the Win32 error code of the first thing that could
 * not be removed (it goes on with the rest). */
DWORD sc__temp_dir_remove(const char *dir);

/* As a cmocka setup and teardown: *state is a new folder's path (a char
 * array of MAX_PATH), removed with its files even when the test fails. */
int sc__temp_dir_setup(void **state);
int sc__temp_dir_teardown(void **state);

/* A cmocka test with a scratch folder of its own as its state. */
#define SC_TEST_WITH_FOLDER(test)                                              \
    cmocka_unit_test_setup_teardown(test, sc__temp_dir_setup,                  \
                                    sc__temp_dir_teardown)

/* Copies file into dir, as new_name: a program or DLL of the project from
 * bin/, or else one the tests built, from the test program's folder. */
void sc__test_copy(const char *file, const char *dir, const char *new_name);

/* Writes the path of file into buf: in dir, or when dir is NULL, a
 * program or DLL of the project from bin/, or else one the tests built,
 * from the test program's folder. */
void sc__test_find_built(char *buf, size_t size, const char *dir,
                         const char *file);

/* A child with its stdin, stdout and stderr on pipes, in the job of
 * sc__child_start_in_job() (sc__test_child_start_in() below). */
struct sc_test_child {
    struct sc_child child;
    char errors[4096]; /* what it wrote to stderr, once finished */
};

#else /* POSIX */

/* A child with its stdin, stdout and stderr on pipes, in a process group
 * of its own, which the kernel kills when this process ends
 * (sc__test_child_start_in() below). */
struct sc_test_child {
    pid_t pid;
    int in;  /* its stdin: write to it, close it (and set -1) for EOF */
    int out; /* its stdout */
    int err; /* its stderr */
    char errors[4096];    /* what it wrote there, once finished */
    uint64_t deadline_us; /* on sc__clock_us(): the test gives up on it then */
};

/* The API, looked up with dlsym in one library file. */
struct sc_api {
    void *handle;
    int64_t (*get)(void);
    int64_t (*increment)(void);
    int64_t (*add)(int64_t delta);
    uint32_t (*processes)(uint32_t *pids, uint32_t capacity);
};

/* dlopen and dlsym; fails the test (or, in a child, exits 3) on error. */
void sc__api_load(struct sc_api *api, const char *library);
void sc__api_unload(struct sc_api *api);

/* The library the suites copy and load: the environment's SC_TEST_LIBRARY
 * when it names one (tests/mutants runs the suites against broken builds
 * so), or else the one built in this tree. */
const char *sc__library_file(void);

/* Copies that library to dir/name; path receives the copy's name. */
void sc__library_copy(const char *dir, const char *name, char *path,
                      size_t size);

/* Copies file to path, executable. */
void sc__file_copy(const char *file, const char *path);

/* "/dev/shm/sharedcounter-..." for the file at path and this user. */
void sc__object_path(const char *path, char *object, size_t size);
int sc__file_exists(const char *path);

/* Writes the full path of the running program into path, for a test that
 * re-launches itself. Returns 0, or -1 if it cannot be read. */
int sc__test_self_path(char *path, size_t size);

/* Whether this process may make a mount namespace of its own with private
 * mounts, as the cases that hide /proc or /dev/shm do: root, and not a
 * chroot whose root is no mount point, nor a container that forbids it. */
int sc__test_private_mounts(void);

/* Runs argv[0] (a full path) with argv. */
void sc__test_child_start(struct sc_test_child *child, char *const argv[]);
/* Gives the child ms from now, instead of SC_TEST_CHILD_TIMEOUT_MS from its
 * start, to do what the test waits for. */
void sc__test_child_deadline(struct sc_test_child *child, unsigned ms);

#endif

/* ---- the project's programs as children --------------------------------- */

/* Runs the program name of the folder dir (NULL: the folder of the
 * project's programs) with the arguments that follow, up to a NULL: each
 * reaches it as given, an empty one or one with blanks or quotes too. Name
 * it with SC_EXE_SUFFIX. */
void sc__test_child_start_in(struct sc_test_child *child, const char *dir,
                             const char *name, ...);
/* Reads one line of its output, without the line ending. */
void sc__test_child_line(struct sc_test_child *child, char *line, size_t size);
/* Waits up to ms for the child to end, and says whether it has; it is
 * still for sc__test_child_finish() to collect. */
int sc__test_child_ended(struct sc_test_child *child, unsigned ms);
/* Its process id. */
uint32_t sc__test_child_pid(const struct sc_test_child *child);
/* Ends it at once, as a kill does; it is still for sc__test_child_finish()
 * to collect. */
void sc__test_child_kill(struct sc_test_child *child);
/* Closes its stdin, reads the rest of its output into rest (may be NULL),
 * its stderr into child->errors, both with "\n" line endings, and waits:
 * returns the exit status (on POSIX systems, 128 + the signal that ended
 * it); then on POSIX systems kills what is left of its process group. A
 * child that is not done by its deadline is killed, and the test fails. */
int sc__test_child_finish(struct sc_test_child *child, char *rest, size_t size);

/* ---- this program again, as a child -------------------------------------- */

/* The test program itself, started again with arguments that make it one
 * of the helper processes of its suite, with its stdin, stdout and stderr
 * on pipes; it dies with the test (a kill-on-close job on Windows, a
 * process group on POSIX systems). */
struct sc_self_child {
#if defined(_WIN32)
    struct sc_child child;
    DWORD timeout_ms;
#else
    struct sc_test_child child;
#endif
};

/* args: space-separated, none of them with a space of its own. */
void sc__self_start(struct sc_self_child *p, const char *args);
uint32_t sc__self_pid(const struct sc_self_child *p);
void sc__self_line(struct sc_self_child *p, char *line, size_t size);
void sc__self_send(struct sc_self_child *p, const char *line);
/* Gives it ms from now, instead of SC_TEST_CHILD_TIMEOUT_MS, to end. */
void sc__self_within(struct sc_self_child *p, unsigned ms);
/* Waits for it to end, and returns its exit code (on POSIX systems, 128 +
 * the signal that ended it), with what it wrote to stdout, then to stderr,
 * in out. One that does not end in time is killed, and the test fails. */
int sc__self_finish(struct sc_self_child *p, char *out, size_t size);
/* Ends it as a kill would, without its library detaching, and waits. */
void sc__self_kill(struct sc_self_child *p);

/* Sets the environment variable name to "1" (on) or removes it, in the
 * environment the children started from now on inherit: on Windows the
 * process's own, which the C library's copy does not change. */
void sc__self_set_flag(const char *name, int on);

#endif /* SC_TEST_SUPPORT_H */
