/*
 * Running the client programs from the tests: they are found next to the
 * test program, driven through pipes, and checked with cmocka assertions.
 */
#ifndef SC_SUPPORT_CLIENTS_H
#define SC_SUPPORT_CLIENTS_H

#include <stddef.h>
#include <stdint.h>

#include <windows.h>

#include "spawn.h"

/* Long enough for any client that works; a hung one fails the test. */
enum { SC_TEST_CHILD_TIMEOUT_MS = 30000 };

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

/* A new, empty folder under the temporary folder, path with a trailing
 * backslash; sc__test_remove_dir() removes it with everything in it. Both
 * fail the test if they cannot (see scratch_dir.h). */
void sc__test_make_dir(char *buf, size_t size);
void sc__test_remove_dir(const char *dir);

/* Copies file from the test program's folder into dir, as new_name. */
void sc__test_copy(const char *file, const char *dir, const char *new_name);

#endif /* SC_SUPPORT_CLIENTS_H */
