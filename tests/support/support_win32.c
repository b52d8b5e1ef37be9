/* The Windows half of the test support; see support.h. */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner.h"

uint32_t sc__test_pid(void)
{
    return (uint32_t)GetCurrentProcessId();
}

/* ---- threads ------------------------------------------------------------ */

struct thread_start {
    void (*run)(void *arg);
    void *arg;
    HANDLE go; /* manual-reset: set once every thread has started */
};

static DWORD WINAPI thread_main(void *param)
{
    struct thread_start *start = param;

    WaitForSingleObject(start->go, INFINITE);
    start->run(start->arg);
    return 0;
}

/* One wait takes all the threads: the tests run far fewer than
 * MAXIMUM_WAIT_OBJECTS. */
void sc__test_threads_run(void (*run)(void *arg), void *args, size_t size,
                          size_t count)
{
    HANDLE threads[MAXIMUM_WAIT_OBJECTS];
    struct thread_start starts[MAXIMUM_WAIT_OBJECTS];
    HANDLE go = CreateEventW(NULL, TRUE, FALSE, NULL);

    assert_true(count <= MAXIMUM_WAIT_OBJECTS);
    assert_non_null(go);
    for (size_t i = 0; i < count; i++) {
        starts[i] = (struct thread_start){run, (char *)args + i * size, go};
        threads[i] = CreateThread(NULL, 0, thread_main, &starts[i], 0, NULL);
        assert_non_null(threads[i]);
    }
    SetEvent(go);
    assert_int_equal(
        WaitForMultipleObjects((DWORD)count, threads, TRUE, INFINITE),
        WAIT_OBJECT_0);
    for (size_t i = 0; i < count; i++)
        CloseHandle(threads[i]);
    CloseHandle(go);
}

/* ---- a library loaded at run time --------------------------------------- */

void *sc__test_library_load(const char *path)
{
    return LoadLibraryA(path);
}

void *sc__test_library_symbol(void *library, const char *name)
{
    return (void *)sc__find_function(library, name);
}

void sc__test_library_unload(void *library)
{
    FreeLibrary(library);
}

/* ---- a console of its own ----------------------------------------------- */

/* How long the console's host may take to start: 10 ms a try. */
enum { ATTACH_TRIES = 1000 };

int sc__test_hold_console(void)
{
    Sleep(INFINITE);
    return 0;
}

int sc__test_attach_own_console(void)
{
    struct sc_child holder;
    DWORD err = sc__child_start_self(&holder, SC_TEST_HOLD_CONSOLE,
                                     SC_CHILD_OWN_CONSOLE);
    int tries = 0;

    if (err != 0) {
        fprintf(stderr, "cannot start the console's holder: error %lu\n",
                (unsigned long)err);
        return -1;
    }
    FreeConsole();
    while (!AttachConsole(holder.pid) && ++tries < ATTACH_TRIES)
        sc__sleep_ms(10);
    TerminateProcess(holder.process, 0);
    sc__child_close(&holder);
    if (tries == ATTACH_TRIES) {
        fprintf(stderr, "cannot attach to the new console\n");
        return -1;
    }
    return 0;
}

/* ---- client programs ---------------------------------------------------- */

void sc__test_path(char *buf, size_t size, const char *dir, const char *file)
{
    if (dir == NULL)
        dir = SC_PROGRAMS_DIR;
    assert_true((size_t)snprintf(buf, size, "%s%s", dir, file) < size);
}

static void run_with(struct sc_test_run *run, const char *program,
                     const char *args, const char *input, size_t len,
                     unsigned flags)
{
    struct sc_child child;

    assert_int_equal(sc__child_start_in_job(&child, program, args,
                                            SC_CHILD_PIPE_STDIN |
                                                SC_CHILD_PIPE_OUTPUT | flags),
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

void sc__test_run(struct sc_test_run *run, const char *program,
                  const char *args, const char *input, size_t len)
{
    run_with(run, program, args, input, len, 0);
}

void sc__test_run_alone(struct sc_test_run *run, const char *program,
                        const char *args, const char *input, size_t len)
{
    run_with(run, program, args, input, len, SC_CHILD_IN_ITS_FOLDER);
}

void sc__test_run_free(struct sc_test_run *run)
{
    sc__child_output_free(&run->output);
}

static void put_char(char *args, size_t size, size_t *used, char c)
{
    assert_true(*used + 1 < size);
    args[(*used)++] = c;
}

/* Appends arg to the command line args so that the C runtime of the child
 * gives it back as it was (the rules of CommandLineToArgvW): in quotes when
 * it is empty or holds a blank or a quote, each quote as \", and the
 * backslashes before a quote, or before the closing one, doubled. */
static void put_arg(char *args, size_t size, size_t *used, const char *arg)
{
    int quoted = arg[0] == '\0' || strpbrk(arg, " \t\"") != NULL;

    if (*used > 0)
        put_char(args, size, used, ' ');
    if (quoted)
        put_char(args, size, used, '"');
    for (;; arg++) {
        size_t backslashes = 0;
        while (*arg == '\\') {
            backslashes++;
            arg++;
        }
        if (*arg == '"' || (*arg == '\0' && quoted))
            backslashes *= 2;
        while (backslashes-- > 0)
            put_char(args, size, used, '\\');
        if (*arg == '\0')
            break;
        if (*arg == '"')
            put_char(args, size, used, '\\');
        put_char(args, size, used, *arg);
    }
    if (quoted)
        put_char(args, size, used, '"');
}

void sc__test_child_start_in(struct sc_test_child *child, const char *dir,
                             const char *name, ...)
{
    char path[MAX_PATH], args[1024];
    size_t used = 0;
    va_list list;

    sc__test_path(path, sizeof path, dir, name);
    va_start(list, name);
    for (const char *arg; (arg = va_arg(list, const char *)) != NULL;)
        put_arg(args, sizeof args, &used, arg);
    va_end(list);
    args[used] = '\0';
    child->errors[0] = '\0';
    assert_int_equal(
        sc__child_start_in_job(&child->child, path, used > 0 ? args : NULL,
                               SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT),
        0);
}

void sc__test_child_line(struct sc_test_child *child, char *line, size_t size)
{
    assert_int_equal(sc__child_read_line(&child->child, line, size), 0);
}

int sc__test_child_ended(struct sc_test_child *child, unsigned ms)
{
    return WaitForSingleObject(child->child.process, ms) == WAIT_OBJECT_0;
}

uint32_t sc__test_child_pid(const struct sc_test_child *child)
{
    return (uint32_t)child->child.pid;
}

void sc__test_child_kill(struct sc_test_child *child)
{
    assert_true(TerminateProcess(child->child.process, 1));
}

/* Copies text into to (size bytes), its "\r\n" line endings as "\n". */
static void copy_lines(char *to, size_t size, const char *text)
{
    size_t n = 0;

    for (; *text != '\0' && n + 1 < size; text++)
        if (!(text[0] == '\r' && text[1] == '\n'))
            to[n++] = *text;
    to[n] = '\0';
}

int sc__test_child_finish(struct sc_test_child *child, char *rest, size_t size)
{
    struct sc_child_output output;
    DWORD exit_code;

    assert_int_equal(sc__child_finish(&child->child, SC_TEST_CHILD_TIMEOUT_MS,
                                      &exit_code, &output),
                     0);
    sc__child_close(&child->child);
    copy_lines(child->errors, sizeof child->errors, output.err);
    if (rest != NULL && size > 0)
        copy_lines(rest, size, output.out);
    sc__child_output_free(&output);
    return (int)exit_code;
}

int64_t sc__test_session_start(struct sc_child *child, const char *program)
{
    char line[128];
    int64_t value;

    assert_int_equal(
        sc__child_start_in_job(child, program, NULL,
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

/* ---- scratch folders ---------------------------------------------------- */

DWORD sc__temp_dir_create(char *buf, size_t size)
{
    static LONG serial;
    char base[MAX_PATH];
    DWORD len = GetTempPathA(sizeof base, base);

    if (len == 0 || len >= sizeof base)
        return ERROR_BAD_PATHNAME;
    /* Wine reuses process ids, and a crashed run may have left a folder of
     * the same name behind: take the next free name instead. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int n = snprintf(buf, size, "%ssc-test-%lu-%ld\\", base,
                         (unsigned long)GetCurrentProcessId(),
                         InterlockedIncrement(&serial));
        if (n < 0 || (size_t)n >= size)
            return ERROR_INSUFFICIENT_BUFFER;
        if (CreateDirectoryA(buf, NULL))
            return 0;
        if (GetLastError() != ERROR_ALREADY_EXISTS)
            return GetLastError();
    }
    return ERROR_ALREADY_EXISTS;
}

/* A process that has just exited may still hold its image for a moment. */
static DWORD delete_with_retry(const char *path)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        if (DeleteFileA(path))
            return 0;
        sc__sleep_ms(20);
    }
    return GetLastError();
}

static DWORD first_error(DWORD so_far, DWORD err)
{
    return so_far != 0 ? so_far : err;
}

DWORD sc__temp_dir_remove(const char *dir)
{
    char pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAA found;
    DWORD err = 0;

    if ((size_t)snprintf(pattern, sizeof pattern, "%s*", dir) >= sizeof pattern)
        return ERROR_INSUFFICIENT_BUFFER;
    HANDLE search = FindFirstFileA(pattern, &found);
    if (search != INVALID_HANDLE_VALUE) {
        do {
            if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                continue;
            if ((size_t)snprintf(path, sizeof path, "%s%s", dir,
                                 found.cFileName) >= sizeof path)
                err = first_error(err, ERROR_INSUFFICIENT_BUFFER);
            else
                err = first_error(err, delete_with_retry(path));
        } while (FindNextFileA(search, &found));
        FindClose(search);
    }
    if (!RemoveDirectoryA(dir))
        err = first_error(err, GetLastError());
    return err;
}

int sc__temp_dir_setup(void **state)
{
    char *dir = malloc(MAX_PATH);

    if (dir == NULL || sc__temp_dir_create(dir, MAX_PATH) != 0) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

/* A folder left behind here is only litter in %TEMP%; the test itself has
 * already passed or failed on its own checks. */
int sc__temp_dir_teardown(void **state)
{
    sc__temp_dir_remove(*state);
    free(*state);
    return 0;
}

void sc__test_make_dir(char *buf, size_t size)
{
    assert_int_equal(sc__temp_dir_create(buf, size), 0);
}

void sc__test_remove_dir(const char *dir)
{
    assert_int_equal(sc__temp_dir_remove(dir), 0);
}

void sc__test_find_built(char *buf, size_t size, const char *dir,
                         const char *file)
{
    char tests[MAX_PATH];

    sc__test_path(buf, size, dir, file);
    if (dir != NULL || GetFileAttributesA(buf) != INVALID_FILE_ATTRIBUTES)
        return;
    assert_int_equal(sc__program_dir(tests, sizeof tests), 0);
    sc__test_path(buf, size, tests, file);
}

void sc__test_copy(const char *file, const char *dir, const char *new_name)
{
    char from[MAX_PATH], to[MAX_PATH];

    sc__test_find_built(from, sizeof from, NULL, file);
    sc__test_path(to, sizeof to, dir, new_name);
    assert_true(CopyFileA(from, to, TRUE));
}

ULONGLONG sc__test_cpu_ms(HANDLE process)
{
    FILETIME created, exited, kernel, user;
    ULARGE_INTEGER k, u;

    assert_true(GetProcessTimes(process, &created, &exited, &kernel, &user));
    k.LowPart = kernel.dwLowDateTime;
    k.HighPart = kernel.dwHighDateTime;
    u.LowPart = user.dwLowDateTime;
    u.HighPart = user.dwHighDateTime;
    /* FILETIME counts 100 ns steps. */
    return (k.QuadPart + u.QuadPart) / 10000;
}

/* ---- this program again, as a child -------------------------------------- */

void sc__self_start(struct sc_self_child *p, const char *args)
{
    p->timeout_ms = SC_TEST_CHILD_TIMEOUT_MS;
    assert_int_equal(
        sc__child_start_self(&p->child, args,
                             SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT),
        0);
}

uint32_t sc__self_pid(const struct sc_self_child *p)
{
    return p->child.pid;
}

void sc__self_line(struct sc_self_child *p, char *line, size_t size)
{
    assert_int_equal(sc__child_read_line(&p->child, line, size), 0);
}

void sc__self_send(struct sc_self_child *p, const char *line)
{
    assert_int_equal(sc__child_write(&p->child, line, strlen(line)), 0);
}

void sc__self_within(struct sc_self_child *p, unsigned ms)
{
    p->timeout_ms = ms;
}

int sc__self_finish(struct sc_self_child *p, char *out, size_t size)
{
    struct sc_child_output output;
    DWORD code = 0;

    assert_int_equal(sc__child_finish(&p->child, p->timeout_ms, &code, &output),
                     0);
    snprintf(out, size, "%s%s", output.out, output.err);
    sc__child_output_free(&output);
    sc__child_close(&p->child);
    return (int)code;
}

void sc__self_kill(struct sc_self_child *p)
{
    assert_true(TerminateProcess(p->child.process, 9));
    assert_int_equal(WaitForSingleObject(p->child.process, INFINITE),
                     WAIT_OBJECT_0);
    sc__child_close(&p->child);
}

void sc__self_set_flag(const char *name, int on)
{
    assert_true(SetEnvironmentVariableA(name, on ? "1" : NULL));
}
