/*
 * Interop: this process holds sharedcounter.dll loaded while each example of
 * examples/ runs in turn against the same DLL file and prints what it got.
 * Each one's values must follow exactly from the ones before, and this
 * process must then read the sum of all their changes.
 *
 * usage: test_interop NAME COMMAND_LINE [NAME COMMAND_LINE]...
 * Each command line runs in this program's folder, where the DLL is (the
 * loader searches the current folder), with its output in a file: Node.js
 * under Wine cannot write to a pipe.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include <cmocka.h>

#include "sharedcounter.h"
#include "support.h"

enum { EXAMPLE_TIMEOUT_MS = 60000, MAX_EXAMPLES = 16, MAX_OUTPUT = 4096 };

/* Moves the counter away from 0, where a process that loaded another copy
 * of the DLL would start, so that such a process cannot pass. */
enum { HOLDER_HEAD_START = 1000 };

struct example {
    char test_name[64];
    const char *name;
    const char *command_line;
};

/* The four lines every example prints. */
struct printed {
    char version[32];
    int64_t incremented;
    int64_t delta;
    int64_t added;
    int64_t got;
};

static struct {
    struct example examples[MAX_EXAMPLES];
    size_t count;
    size_t next;        /* the example whose turn it is */
    char dir[MAX_PATH]; /* the examples' output files */
    char version[32];   /* the DLL's version, as the examples print it */
    int64_t start;      /* the counter before the first example */
    int64_t before;     /* the counter before the next example */
    int64_t moved;      /* the sum of the examples' changes, wrapping */
} interop;

static void read_file(const char *path, char *buf, size_t size)
{
    FILE *file = fopen(path, "rb");
    size_t len;

    assert_non_null(file);
    len = fread(buf, 1, size - 1, file);
    fclose(file);
    buf[len] = '\0';
}

/* Runs example with stdout and stderr in files out and err; returns its exit
 * code. */
static DWORD run_example(const struct example *example, const char *out,
                         const char *err)
{
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    STARTUPINFOA startup = {.cb = sizeof startup};
    PROCESS_INFORMATION process;
    char command_line[4096];
    char cwd[MAX_PATH];
    DWORD exit_code = 0;
    DWORD waited;
    BOOL started;

    sc__test_path(cwd, sizeof cwd, NULL, "");
    snprintf(command_line, sizeof command_line, "%s", example->command_line);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = CreateFileA("NUL", GENERIC_READ, FILE_SHARE_READ,
                                    &inherit, OPEN_EXISTING, 0, NULL);
    startup.hStdOutput = CreateFileA(out, GENERIC_WRITE, FILE_SHARE_READ,
                                     &inherit, CREATE_ALWAYS, 0, NULL);
    startup.hStdError = CreateFileA(err, GENERIC_WRITE, FILE_SHARE_READ,
                                    &inherit, CREATE_ALWAYS, 0, NULL);
    started = startup.hStdInput != INVALID_HANDLE_VALUE &&
              startup.hStdOutput != INVALID_HANDLE_VALUE &&
              startup.hStdError != INVALID_HANDLE_VALUE &&
              sc__kill_children_on_exit() == 0 &&
              CreateProcessA(NULL, command_line, NULL, NULL, TRUE, 0, NULL, cwd,
                             &startup, &process);
    if (!started)
        print_error("%s: cannot start %s (error %lu)\n", example->name,
                    example->command_line, GetLastError());
    CloseHandle(startup.hStdInput);
    CloseHandle(startup.hStdOutput);
    CloseHandle(startup.hStdError);
    assert_true(started);
    CloseHandle(process.hThread);
    waited = WaitForSingleObject(process.hProcess, EXAMPLE_TIMEOUT_MS);
    if (waited != WAIT_OBJECT_0)
        TerminateProcess(process.hProcess, 1);
    GetExitCodeProcess(process.hProcess, &exit_code);
    CloseHandle(process.hProcess);
    if (waited != WAIT_OBJECT_0)
        fail_msg("%s: still running after %d ms", example->name,
                 EXAMPLE_TIMEOUT_MS);
    return exit_code;
}

/* Returns 0 when text is exactly the four lines, "\r\n" or "\n" ended. */
static int parse_printed(const char *text, struct printed *p)
{
    int end = 0;
    int fields = sscanf(
        text,
        "sc_version: %31s sc_increment: %" SCNd64 " sc_add(%" SCNd64
        "): %" SCNd64 " sc_get: %" SCNd64 " %n",
        p->version, &p->incremented, &p->delta, &p->added, &p->got, &end);

    return fields == 5 && end > 0 && text[end] == '\0' ? 0 : -1;
}

static void check_value(const char *example, const char *what, int64_t got,
                        int64_t expected)
{
    if (got != expected)
        fail_msg("%s printed %s %" PRId64 ", expected %" PRId64, example, what,
                 got, expected);
}

static void example_follows_the_ones_before(void **state)
{
    const struct example *example = &interop.examples[interop.next++];
    char out[MAX_PATH + 64], err[MAX_PATH + 64];
    char text[MAX_OUTPUT], errors[MAX_OUTPUT];
    struct printed p;
    int64_t before = interop.before;
    DWORD exit_code;

    (void)state;
    snprintf(out, sizeof out, "%s%s.out", interop.dir, example->name);
    snprintf(err, sizeof err, "%s%s.err", interop.dir, example->name);
    exit_code = run_example(example, out, err);
    /* What the holder reads now is where the next example starts, even if
     * this one fails. */
    interop.before = sc_get();
    read_file(out, text, sizeof text);
    read_file(err, errors, sizeof errors);
    if (exit_code != 0 || parse_printed(text, &p) != 0)
        fail_msg("%s: exit code %lu, printed:\n%s\nstderr:\n%s", example->name,
                 exit_code, text, errors);
    if (strcmp(p.version, interop.version) != 0)
        fail_msg("%s printed version %s, the DLL's is %s", example->name,
                 p.version, interop.version);
    check_value(example->name, "sc_increment:", p.incremented,
                sc__wrapping_add(before, 1));
    if (p.delta >= 0)
        fail_msg("%s added %" PRId64 ", not a negative delta", example->name,
                 p.delta);
    check_value(example->name, "sc_add:", p.added,
                sc__wrapping_add(p.incremented, p.delta));
    check_value(example->name, "sc_get:", p.got, p.added);
    check_value("the holder after it", "sc_get()", interop.before, p.got);
    interop.moved =
        sc__wrapping_add(interop.moved, sc__wrapping_add(1, p.delta));
}

struct argument_run {
    const char *args, *part;
    DWORD exit_code;
};

/* Runs example with each of runs' arguments: the exit code and the text
 * (stdout on 0, stderr otherwise) must be as given, the other stream
 * empty, and the counter where it was. */
static void check_argument_runs(const struct example *example,
                                const struct argument_run *runs, size_t count)
{
    char command_line[4096], out[MAX_PATH + 64], err[MAX_PATH + 64];
    char text[MAX_OUTPUT], errors[MAX_OUTPUT];

    for (size_t i = 0; i < count; i++) {
        struct example run = {.name = "args", .command_line = command_line};

        snprintf(command_line, sizeof command_line, "%s %s",
                 example->command_line, runs[i].args);
        snprintf(out, sizeof out, "%sargs.out", interop.dir);
        snprintf(err, sizeof err, "%sargs.err", interop.dir);
        DWORD code = run_example(&run, out, err);
        read_file(runs[i].exit_code == 0 ? out : err, text, sizeof text);
        read_file(runs[i].exit_code == 0 ? err : out, errors, sizeof errors);
        if (code != runs[i].exit_code)
            fail_msg("%s: exit %lu, not %lu\n%s%s", command_line,
                     (unsigned long)code, (unsigned long)runs[i].exit_code,
                     text, errors);
        sc__test_assert_contains(text, runs[i].part);
        assert_string_equal(errors, "");
        check_value(command_line, "sc_get()", sc_get(), interop.before);
    }
}

/* Every example with arguments: --help prints its usage, an unknown
 * argument is refused with exit status 2, and neither moves the counter. */
static void examples_answer_help_and_leave_the_counter(void **state)
{
    static const struct argument_run runs[] = {
        {"--help", "usage: ", 0}, {"--count", "unknown argument '--count'", 2}};

    (void)state;
    for (size_t e = 0; e < interop.count; e++)
        check_argument_runs(&interop.examples[e], runs,
                            sizeof runs / sizeof runs[0]);
}

/* The C example's --wait-change waits for a change that nobody makes and
 * says it timed out; a bad time is refused. Neither moves the counter. */
static void c_example_waits_for_a_change(void **state)
{
    static const struct argument_run runs[] = {
        {"--wait-change 20", "sc_wait: timed out, ", 0},
        {"--wait-change soon", "bad milliseconds 'soon'", 2}};
    const struct example *c = NULL;

    (void)state;
    for (size_t e = 0; e < interop.count; e++)
        if (strcmp(interop.examples[e].name, "c") == 0)
            c = &interop.examples[e];
    assert_non_null(c);
    check_argument_runs(c, runs, sizeof runs / sizeof runs[0]);
}

static void holder_reads_the_sum(void **state)
{
    (void)state;
    assert_int_equal(interop.next, interop.count);
    check_value("the holder", "sc_get()", sc_get(),
                sc__wrapping_add(interop.start, interop.moved));
}

static int hold_counter(void **state)
{
    uint32_t version = sc_version();

    (void)state;
    if (sc__temp_dir_create(interop.dir, sizeof interop.dir) != 0)
        return -1;
    snprintf(interop.version, sizeof interop.version, "%u.%u.%u",
             (unsigned)(version >> 16), (unsigned)(version >> 8 & 0xff),
             (unsigned)(version & 0xff));
    interop.start = sc_add(HOLDER_HEAD_START);
    interop.before = interop.start;
    return 0;
}

static int release_counter(void **state)
{
    (void)state;
    return sc__temp_dir_remove(interop.dir) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct CMUnitTest tests[MAX_EXAMPLES + 3];
    size_t i;

    if (argc < 3 || argc % 2 != 1 || (size_t)argc / 2 > MAX_EXAMPLES) {
        fprintf(stderr,
                "usage: test_interop NAME COMMAND_LINE "
                "[NAME COMMAND_LINE]... (up to %d pairs)\n",
                MAX_EXAMPLES);
        return 2;
    }
    interop.count = (size_t)argc / 2;
    for (i = 0; i < interop.count; i++) {
        struct example *example = &interop.examples[i];

        example->name = argv[1 + 2 * i];
        example->command_line = argv[2 + 2 * i];
        snprintf(example->test_name, sizeof example->test_name,
                 "%s_follows_the_ones_before", example->name);
        tests[i] = (struct CMUnitTest){example->test_name,
                                       example_follows_the_ones_before, NULL,
                                       NULL, NULL};
    }
    tests[i++] = (struct CMUnitTest)cmocka_unit_test(
        examples_answer_help_and_leave_the_counter);
    tests[i++] =
        (struct CMUnitTest)cmocka_unit_test(c_example_waits_for_a_change);
    tests[i] = (struct CMUnitTest)cmocka_unit_test(holder_reads_the_sum);
    return _cmocka_run_group_tests("interop", tests, interop.count + 3,
                                   hold_counter, release_counter);
}
