/* Running the client programs from the tests; see support_clients.h. */
#include "support_clients.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scratch_dir.h"
#include "client.h"

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

void sc__test_assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("\"%s\" not found in:\n%s", part, text);
}

int64_t sc__test_session_start(struct sc_child *child, const char *program)
{
    char line[128];
    int64_t value;

    assert_int_equal(
        sc__child_start(child, program, NULL,
                        SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT),
        0);
    assert_int_equal(sc__child_read_line(child, line, sizeof line), 0);
    if (sc__last_value(line, &value) != 0)
        fail_msg("expected the start value, got \"%s\"", line);
    return value;
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
    assert_int_equal(sc__temp_dir_create(buf, size), 0);
}

void sc__test_remove_dir(const char *dir)
{
    assert_int_equal(sc__temp_dir_remove(dir), 0);
}

void sc__test_copy(const char *file, const char *dir, const char *new_name)
{
    char from[MAX_PATH], to[MAX_PATH];

    sc__test_path(from, sizeof from, NULL, file);
    sc__test_path(to, sizeof to, dir, new_name);
    assert_true(CopyFileA(from, to, TRUE));
}
