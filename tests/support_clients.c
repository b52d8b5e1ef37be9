/* Running the client programs from the tests; see support_clients.h. */
#include "support_clients.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "value_line.h"

void sc__test_path(char *buf, size_t size, const char *dir, const char *file)
{
    char here[MAX_PATH];

    if (dir == NULL) {
        assert_int_equal(sc__program_dir(here, sizeof here), 0);
        dir = here;
    }
    assert_true((size_t)snprintf(buf, size, "%s%s", dir, file) < size);
}

void sc__test_run(struct sc_test_run *run, const char *program,
                  const char *args, const char *input, size_t len)
{
    struct sc_child child;

    assert_int_equal(
        sc__child_start(&child, program, args,
                        SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT),
        0);
    /* A client that exits without reading all of its input breaks the
     * pipe; that is no error here, its exit code tells the story. */
    if (len > 0)
        sc__child_write(&child, input, len);
    assert_int_equal(sc__child_finish(&child, SC_TEST_CHILD_TIMEOUT_MS,
                                      &run->exit_code, &run->output),
                     0);
    sc__child_close(&child);
}

void sc__test_run_free(struct sc_test_run *run)
{
    sc__child_output_free(&run->output);
}

void sc__test_session_start(struct sc_child *child, const char *program)
{
    assert_int_equal(
        sc__child_start(child, program, NULL,
                        SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT),
        0);
}

int64_t sc__test_session_send(struct sc_child *child, const char *line)
{
    char reply[128];
    int64_t value;

    assert_int_equal(sc__child_write(child, line, strlen(line)), 0);
    assert_int_equal(sc__child_write(child, "\n", 1), 0);
    assert_int_equal(sc__child_read_line(child, reply, sizeof reply), 0);
    if (sc__last_value(reply, &value) != 0)
        fail_msg("expected a value line, got \"%s\"", reply);
    return value;
}

void sc__test_session_end(struct sc_child *child)
{
    DWORD exit_code;

    assert_int_equal(sc__child_write(child, "q\n", 2), 0);
    assert_int_equal(
        sc__child_finish(child, SC_TEST_CHILD_TIMEOUT_MS, &exit_code, NULL), 0);
    assert_int_equal(exit_code, 0);
    sc__child_close(child);
}

void sc__test_make_dir(char *buf, size_t size)
{
    static unsigned serial;
    char temp[MAX_PATH];

    assert_true(GetTempPathA(sizeof temp, temp) > 0);
    /* Wine reuses process ids, and a crashed run may have left a folder of
     * the same name behind: take the next free name instead. */
    for (;;) {
        assert_true((size_t)snprintf(buf, size, "%ssc-test-%lu-%u\\", temp,
                                     (unsigned long)GetCurrentProcessId(),
                                     serial++) < size);
        if (CreateDirectoryA(buf, NULL))
            return;
        assert_int_equal(GetLastError(), ERROR_ALREADY_EXISTS);
    }
}

/* A process that has just exited may still hold its image for a moment. */
static BOOL delete_with_retry(const char *path)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        if (DeleteFileA(path))
            return TRUE;
        Sleep(20);
    }
    return FALSE;
}

void sc__test_remove_dir(const char *dir)
{
    char pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAA found;

    sc__test_path(pattern, sizeof pattern, dir, "*");
    HANDLE search = FindFirstFileA(pattern, &found);
    if (search != INVALID_HANDLE_VALUE) {
        do {
            if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                continue;
            sc__test_path(path, sizeof path, dir, found.cFileName);
            assert_true(delete_with_retry(path));
        } while (FindNextFileA(search, &found));
        FindClose(search);
    }
    assert_true(RemoveDirectoryA(dir));
}

void sc__test_copy(const char *file, const char *dir, const char *new_name)
{
    char from[MAX_PATH], to[MAX_PATH];

    sc__test_path(from, sizeof from, NULL, file);
    sc__test_path(to, sizeof to, dir, new_name);
    assert_true(CopyFileA(from, to, TRUE));
}
