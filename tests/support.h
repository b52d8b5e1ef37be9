/*
 * What the test programs share: child processes (the test program itself
 * re-launched as a worker, or the client programs), start gates, scratch
 * folders, the saved counter, the built images read with sectiondump's
 * parser, the API's names from dll/sharedcounter.def, and wrapping
 * arithmetic on counter values.
 *
 * The sc__test_* functions that act fail the running cmocka test when they
 * cannot; the others return 0 or a Win32 error code, because workers (which
 * run no cmocka test) call them as well.
 */
#ifndef SC_TEST_SUPPORT_H
#define SC_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "child_process.h"
#include "sc_api_names.h"
#include "sectiondump.h"
#include "sharedcounter.h"
#include "text_paths.h"
#include "wrapping.h"

/* Long enough for any child that works; a hung one fails the test. */
enum { SC_TEST_CHILD_TIMEOUT_MS = 120000 };

/* ---- counter values ----------------------------------------------------- */

/* A cmocka group setup and teardown for tests that set the counter to
 * extreme values: the value it held before is put back afterwards. They are
 * inline so that a program that links no build of the library, such as
 * test_process_table, can use the rest of this library. */
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

/* ---- children ----------------------------------------------------------- */

/* Starts program (a path) with args, as sc__child_start() does, and puts it
 * into a job object that kills it when this test program ends: a failed
 * assertion leaves no child behind, waiting or running. Returns 0 or a
 * Win32 error code. */
DWORD sc__spawn(struct sc_child *child, const char *program, const char *args,
                unsigned flags);

/* The same for this very program. */
DWORD sc__spawn_self(struct sc_child *child, const char *args, unsigned flags);

/* In a worker: tells the parent, on stdout, that it is ready to begin.
 * Returns 0 or a Win32 error code. */
DWORD sc__say_ready(void);

/* In the parent: waits for a child started with SC_CHILD_PIPE_OUTPUT to say
 * it is ready. Returns 0, or an error code if it said anything else or
 * ended first. */
DWORD sc__child_wait_ready(struct sc_child *child);

/* A manual-reset event that lets many workers begin at one moment. The
 * parent creates it, hands the name to its workers on the command line, and
 * opens it once every worker has said it is ready. */
struct sc_start_gate {
    HANDLE event;
    char name[64];
};

/* Creates a closed gate with a name unique to this process and tag.
 * Returns 0 or a Win32 error code. */
DWORD sc__gate_create(struct sc_start_gate *gate, const char *tag);

/* In a worker: waits until the gate named name opens. Returns 0 or an
 * error code. */
DWORD sc__gate_wait(const char *name);

/* ---- client programs ---------------------------------------------------- */

struct sc_test_run {
    DWORD exit_code;
    struct sc_child_output output;
};

/* Writes dir + file into buf; dir NULL means the test program's folder. */
void sc__test_path(char *buf, size_t size, const char *dir, const char *file);

/* Runs program (a path) with args, feeds it input (len bytes, may be 0)
 * on stdin, then closes stdin and waits for it. The input should draw
 * little output: it is written before the output is read. */
void sc__test_run(struct sc_test_run *run, const char *program,
                  const char *args, const char *input, size_t len);

void sc__test_run_free(struct sc_test_run *run);

/* Fails the test, showing text, unless part occurs in it. */
void sc__test_assert_contains(const char *text, const char *part);

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

/* The same as sc__temp_dir_create() and _remove(), failing the test if
 * they cannot. */
void sc__test_make_dir(char *buf, size_t size);
void sc__test_remove_dir(const char *dir);

/* Copies file from the test program's folder into dir, as new_name. */
void sc__test_copy(const char *file, const char *dir, const char *new_name);

/* ---- built images ------------------------------------------------------- */

/* A PE file read whole and parsed by sectiondump's parser. */
struct sc_test_image {
    unsigned char *data;
    struct sd_image parsed;
};

/* Reads and parses file (a name in the test program's folder, or a path if
 * dir is given); fails the test if it cannot. */
void sc__test_image_load(struct sc_test_image *image, const char *dir,
                         const char *file);
void sc__test_image_free(struct sc_test_image *image);

/* Whether any section is named ".shared" or flagged IMAGE_SCN_MEM_SHARED. */
int sc__test_image_shares(const struct sc_test_image *image);

/* Fails the test unless the image exports exactly the names of
 * dll/sharedcounter.def (sc_api_names), each from a filled slot. */
void sc__test_assert_exports_api(const struct sc_test_image *image);

#endif /* SC_TEST_SUPPORT_H */
