/*
 * counter_export (clients/counter_export.c), in one program for both
 * systems. Each case makes a fresh copy of the library in a scratch folder,
 * whose table starts empty, opens counters there and runs counter_export
 * on that copy as a child process: on Windows a copy of counter_export.exe
 * beside the DLL's copy, on Linux the built program with LD_LIBRARY_PATH
 * leading to the copy. So the suite shares no counter with the others.
 *
 * - The text: the two gauges, then every family together, sorted, with
 *   one # HELP and one # TYPE (counter for _total, gauge otherwise), the
 *   names as the table keeps them; a counter named like a gauge is left
 *   out and said so on stderr.
 * - --textfile: the same text; names without .prom refused; a file that
 *   cannot be written fails. A reader that reads the file over and over
 *   while it is rewritten from many runs never sees part of one; with
 *   --interval it follows the counters until stopped.
 * - --listen: 200 with that text, HEAD, 404, 405, 400 for a garbled
 *   request and for a 10 KiB header; a client that sends nothing and one
 *   that stops halfway are dropped, while another is served; 100 clients
 *   at once (more than it serves together) and 200 in a row; IPv6; a port
 *   in use; SIGTERM and SIGINT (Linux) or Ctrl-C (Windows, on a console
 *   this program makes and shares with its children) end it with status
 *   0, and the port can be taken again at once.
 * - Bad usage exits 2; --help and --version.
 *
 * The children die with the test: on Windows they run in a job that kills
 * them when this program ends; on Linux the kernel kills each when this
 * program ends (PR_SET_PDEATHSIG).
 */
#if !defined(_WIN32)
#define _GNU_SOURCE
#endif

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#else
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <cmocka.h>

#include "support.h"

enum {
    OUTPUT_MAX = 65536,
    FILE_MAX = 1 << 20,
    REWRITE_COUNTERS = 1000,
    REWRITES = 30,
    AT_ONCE = 100,
    IN_A_ROW = 200,
    SOCKET_TIMEOUT_MS = 60000,
};

struct lib {
    void *handle;
    int32_t (*open)(const char *name);
    int64_t (*add)(int32_t id, int64_t delta);
    int64_t (*add_default)(int64_t delta);
};

/* The exporters a case started; the teardown ends those still running. */
struct exporter {
#if defined(_WIN32)
    struct sc_child child;
#else
    struct sc_test_child child;
#endif
    int running;
};

struct fixture {
    char dir[4096];
    char library[4200]; /* the copy */
    char program[4200]; /* counter_export, run on the copy */
    struct lib lib;
    struct exporter exporters[3];
};

/* What a finished exporter said. */
struct said {
    int status;
    char out[OUTPUT_MAX];
    char err[OUTPUT_MAX];
};

/* ---- the platform's part ------------------------------------------------ */

#if defined(_WIN32)

typedef SOCKET sock;
#define NO_SOCK INVALID_SOCKET
#define SEND_FLAGS 0
/* The scratch folder's path ends in a backslash. */
#define IN_DIR "%s%s"
#define PROGRAM_FILE "counter_export.exe"
#define LIBRARY_FILE "sharedcounter.dll"

static void make_copies(struct fixture *f)
{
    sc__test_copy(LIBRARY_FILE, f->dir, LIBRARY_FILE);
    sc__test_copy(PROGRAM_FILE, f->dir, PROGRAM_FILE);
    sc__test_path(f->library, sizeof f->library, f->dir, LIBRARY_FILE);
    sc__test_path(f->program, sizeof f->program, f->dir, PROGRAM_FILE);
}

static void exporter_start(const struct fixture *f, struct exporter *e,
                           const char *const args[])
{
    char line[8192];
    size_t used = 0;

    line[0] = '\0';
    for (size_t i = 0; args[i] != NULL; i++) {
        used += (size_t)snprintf(line + used, sizeof line - used, "%s\"%s\"",
                                 i > 0 ? " " : "", args[i]);
        assert_true(used < sizeof line);
    }
    assert_int_equal(
        sc__child_start_in_job(&e->child, f->program, line,
                               SC_CHILD_PIPE_OUTPUT | SC_CHILD_IN_ITS_FOLDER),
        0);
    e->running = 1;
}

static void exporter_line(struct exporter *e, char *line, size_t size)
{
    assert_int_equal(sc__child_read_line(&e->child, line, size), 0);
}

static int exporter_running(struct exporter *e)
{
    return WaitForSingleObject(e->child.process, 0) == WAIT_TIMEOUT;
}

/* Ctrl-C on the console that this program shares with its children; this
 * program's own handler lets it pass. */
static void exporter_stop(struct exporter *e)
{
    (void)e;
    assert_true(GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0));
}

static void exporter_finish(struct exporter *e, struct said *said)
{
    struct sc_child_output output;
    DWORD code;

    assert_int_equal(
        sc__child_finish(&e->child, SC_TEST_CHILD_TIMEOUT_MS, &code, &output),
        0);
    sc__child_close(&e->child);
    e->running = 0;
    said->status = (int)code;
    snprintf(said->out, sizeof said->out, "%s", output.out);
    snprintf(said->err, sizeof said->err, "%s", output.err);
    sc__child_output_free(&output);
}

static void exporter_kill(struct exporter *e)
{
    TerminateProcess(e->child.process, 1);
    WaitForSingleObject(e->child.process, INFINITE);
    sc__child_close(&e->child);
    e->running = 0;
}

/* A reader that lets the file be replaced while it reads, as
 * FILE_SHARE_DELETE allows. */
static long read_whole(const char *path, char *buffer, size_t size)
{
    HANDLE file =
        CreateFileA(path, GENERIC_READ,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD got;
    size_t used = 0;

    if (file == INVALID_HANDLE_VALUE)
        return -1;
    while (
        used + 1 < size &&
        ReadFile(file, buffer + used, (DWORD)(size - 1 - used), &got, NULL) &&
        got > 0)
        used += got;
    CloseHandle(file);
    buffer[used] = '\0';
    return (long)used;
}

static int has_temporary_file(const char *dir)
{
    char pattern[4200];
    WIN32_FIND_DATAA found;

    snprintf(pattern, sizeof pattern, "%s*.tmp-*", dir);
    HANDLE search = FindFirstFileA(pattern, &found);
    if (search == INVALID_HANDLE_VALUE)
        return 0;
    FindClose(search);
    return 1;
}

static void set_receive_timeout(sock s)
{
    DWORD ms = SOCKET_TIMEOUT_MS;

    assert_int_equal(
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms),
        0);
}

static void close_sock(sock s)
{
    closesocket(s);
}

/* Whether s has data or its end to read at once. */
static int readable_now(sock s)
{
    WSAPOLLFD polled = {.fd = s, .events = POLLIN};

    return WSAPoll(&polled, 1, 0) > 0;
}

/* Winsock, and a console for Ctrl-C that this program shares with its
 * children. Its handler keeps this program running when Ctrl-C comes. */
static BOOL WINAPI let_pass(DWORD event)
{
    (void)event;
    return TRUE;
}

static int group_setup(void **state)
{
    WSADATA data;

    (void)state;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0 ||
        sc__test_attach_own_console() != 0 ||
        !SetConsoleCtrlHandler(let_pass, TRUE))
        return -1;
    return 0;
}

#else

typedef int sock;
#define NO_SOCK (-1)
#define SEND_FLAGS MSG_NOSIGNAL
#define IN_DIR "%s/%s"
/* The name the program asks the loader for: its SONAME. */
#define LIBRARY_FILE "libsharedcounter.so.0"

/* The loader looks in LD_LIBRARY_PATH before the program's RUNPATH. */
static void make_copies(struct fixture *f)
{
    sc__library_copy(f->dir, LIBRARY_FILE, f->library, sizeof f->library);
    snprintf(f->program, sizeof f->program, "%s/counter_export",
             SC_CLIENTS_DIR);
    assert_int_equal(setenv("LD_LIBRARY_PATH", f->dir, 1), 0);
}

static void exporter_start(const struct fixture *f, struct exporter *e,
                           const char *const args[])
{
    char *argv[16] = {(char *)f->program};
    int in[2], out[2], err[2];
    size_t n = 1;

    for (; args[n - 1] != NULL && n + 1 < 16; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    assert_int_equal(pipe2(err, O_CLOEXEC), 0);
    /* _Fork runs no fork handlers: the library's would count the child,
     * which loaded it as this program's copy, as a process of its own
     * until it ends, beside the program it becomes. */
    pid_t parent = getpid(), pid = _Fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Only calls that are safe after a fork: in a process group of its
         * own, and killed when this program ends. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execv(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    e->child = (struct sc_test_child){
        .pid = pid,
        .in = in[1],
        .out = out[0],
        .err = err[0],
        .deadline_us =
            sc__clock_us() + (uint64_t)SC_TEST_CHILD_TIMEOUT_MS * 1000,
    };
    e->running = 1;
}

static void exporter_line(struct exporter *e, char *line, size_t size)
{
    sc__test_child_line(&e->child, line, size);
}

/* Whether it runs, without reaping it: sc__test_child_finish() does. */
static int exporter_running(struct exporter *e)
{
    siginfo_t info = {0};

    return waitid(P_PID, (id_t)e->child.pid, &info,
                  WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == 0;
}

static void exporter_signal(struct exporter *e, int signal)
{
    assert_int_equal(kill(e->child.pid, signal), 0);
}

static void exporter_stop(struct exporter *e)
{
    exporter_signal(e, SIGTERM);
}

static void exporter_finish(struct exporter *e, struct said *said)
{
    said->status = sc__test_child_finish(&e->child, said->out, OUTPUT_MAX);
    e->running = 0;
    snprintf(said->err, sizeof said->err, "%s", e->child.errors);
}

static void exporter_kill(struct exporter *e)
{
    int status;

    kill(-e->child.pid, SIGKILL);
    waitpid(e->child.pid, &status, 0);
    close(e->child.in);
    close(e->child.out);
    close(e->child.err);
    e->running = 0;
}

static long read_whole(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t used = 0;
    ssize_t got;

    if (fd < 0)
        return -1;
    while (used + 1 < size &&
           (got = read(fd, buffer + used, size - 1 - used)) > 0)
        used += (size_t)got;
    close(fd);
    buffer[used] = '\0';
    return (long)used;
}

static int has_temporary_file(const char *dir)
{
    DIR *listing = opendir(dir);
    const struct dirent *entry;
    int found = 0;

    assert_non_null(listing);
    while ((entry = readdir(listing)) != NULL)
        found |= strstr(entry->d_name, ".tmp-") != NULL;
    closedir(listing);
    return found;
}

static void set_receive_timeout(sock s)
{
    struct timeval timeout = {SOCKET_TIMEOUT_MS / 1000, 0};

    assert_int_equal(
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
}

static void close_sock(sock s)
{
    close(s);
}

static int readable_now(sock s)
{
    struct pollfd polled = {.fd = s, .events = POLLIN};

    return poll(&polled, 1, 0) > 0;
}

static int group_setup(void **state)
{
    (void)state;
    return 0;
}

#endif

/* ---- the fixture -------------------------------------------------------- */

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    sc__test_make_dir(f->dir, sizeof f->dir);
    make_copies(f);
    f->lib.handle = sc__test_library_load(f->library);
    assert_non_null(f->lib.handle);
    *(void **)&f->lib.open =
        sc__test_library_symbol(f->lib.handle, "sc_counter_open");
    *(void **)&f->lib.add =
        sc__test_library_symbol(f->lib.handle, "sc_counter_add");
    *(void **)&f->lib.add_default =
        sc__test_library_symbol(f->lib.handle, "sc_add");
    assert_true(f->lib.open != NULL && f->lib.add != NULL &&
                f->lib.add_default != NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    for (size_t i = 0; i < sizeof f->exporters / sizeof *f->exporters; i++)
        if (f->exporters[i].running)
            exporter_kill(&f->exporters[i]);
    sc__test_library_unload(f->lib.handle);
    sc__test_remove_dir(f->dir);
    free(f);
    return 0;
}

static void in_dir(const struct fixture *f, const char *file, char *path,
                   size_t size)
{
    assert_true((size_t)snprintf(path, size, IN_DIR, f->dir, file) < size);
}

/* Runs counter_export with args to its end. */
static void run(struct fixture *f, const char *const args[], struct said *said)
{
    exporter_start(f, &f->exporters[0], args);
    exporter_finish(&f->exporters[0], said);
}

/* ---- the counters and their text ---------------------------------------- */

/* Counters in the order of no family, each added to once. The two named
 * like the gauges are left out of the text. */
static const struct {
    const char *name;
    int64_t value;
} known[] = {
    {"http_requests_total{method=\"get\",code=\"200\"}", 7},
    {"temperature{room=\"k\\\"i\\\\t\\nchen\"}", -4},
    {"a_b", 2},
    {"sharedcounter_value{x=\"1\"}", 9},
    {"a{x=\"1\"}", 3},
    {"z:total", INT64_MAX},
    {"http_requests_total{code=\"500\",method=\"get\"}", 2},
    {"a", 1},
    {"sharedcounter_processes", 1},
    {"http_requests", 5},
};

#define NAMED "A named counter of the library (sc_counter_open)."

/* The text for them, with the default counter at -42 and two processes:
 * this program and counter_export. */
static const char known_text[] =
    "# HELP sharedcounter_value The library's default counter (sc_get).\n"
    "# TYPE sharedcounter_value gauge\n"
    "sharedcounter_value -42\n"
    "# HELP sharedcounter_processes Processes that have the library loaded "
    "(sc_processes).\n"
    "# TYPE sharedcounter_processes gauge\n"
    "sharedcounter_processes 2\n"
    "# HELP a " NAMED "\n"
    "# TYPE a gauge\n"
    "a 1\n"
    "a{x=\"1\"} 3\n"
    "# HELP a_b " NAMED "\n"
    "# TYPE a_b gauge\n"
    "a_b 2\n"
    "# HELP http_requests " NAMED "\n"
    "# TYPE http_requests gauge\n"
    "http_requests 5\n"
    "# HELP http_requests_total " NAMED "\n"
    "# TYPE http_requests_total counter\n"
    "http_requests_total{code=\"200\",method=\"get\"} 7\n"
    "http_requests_total{code=\"500\",method=\"get\"} 2\n"
    "# HELP temperature " NAMED "\n"
    "# TYPE temperature gauge\n"
    "temperature{room=\"k\\\"i\\\\t\\nchen\"} -4\n"
    "# HELP z:total " NAMED "\n"
    "# TYPE z:total gauge\n"
    "z:total 9223372036854775807\n";

static void open_known(const struct fixture *f)
{
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        int32_t id = f->lib.open(known[i].name);
        assert_true(id >= 0);
        assert_int_equal(f->lib.add(id, known[i].value), known[i].value);
    }
    f->lib.add_default(-42);
}

static void assert_left_out_said(const char *err)
{
    sc__test_assert_contains(err, "counter_export: left out "
                                  "\"sharedcounter_value{x=\"1\"}\": "
                                  "sharedcounter_value is counter_export's "
                                  "own gauge");
    sc__test_assert_contains(err, "counter_export: left out "
                                  "\"sharedcounter_processes\"");
}

/* ---- printing ----------------------------------------------------------- */

static void prints_every_counter_grouped_and_typed(void **state)
{
    static struct said said;
    struct fixture *f = *state;

    open_known(f);
    run(f, (const char *[]){NULL}, &said);
    assert_int_equal(said.status, 0);
    assert_string_equal(said.out, known_text);
    assert_left_out_said(said.err);
}

static void version_names_the_library_it_reads(void **state)
{
    static struct said said;
    struct fixture *f = *state;

    run(f, (const char *[]){"--version", NULL}, &said);
    assert_int_equal(said.status, 0);
    sc__test_assert_contains(said.out, "counter_export " SC_VERSION_STRING);
    sc__test_assert_contains(said.out, f->dir);
    run(f, (const char *[]){"--help", NULL}, &said);
    assert_int_equal(said.status, 0);
    sc__test_assert_contains(said.out, "--listen [HOST:]PORT");
    sc__test_assert_contains(said.out, "Exit status: 0");
}

static void bad_usage_exits_2(void **state)
{
    static const struct {
        const char *args[5];
        const char *message;
    } refusals[] = {
        {{"--bogus"}, "unknown option \"--bogus\""},
        {{"--textfile", "metrics.txt"},
         "--textfile metrics.txt: the name must end in .prom"},
        {{"--interval", "5"}, "--interval needs --textfile"},
        {{"--textfile", "m.prom", "--interval", "0"},
         "--interval 0 is out of range"},
        {{"--textfile", "m.prom", "--listen", "9101"},
         "give one of --textfile and --listen"},
        {{"--listen", "127.0.0.1"}, "--listen 127.0.0.1: give PORT"},
        {{"--listen", "127.0.0.1:65536"}, "--listen 127.0.0.1:65536"},
        {{"--listen", "::1:9101"}, "--listen ::1:9101"},
        {{"--listen", "[::1:9101"}, "--listen [::1:9101"},
        {{"--listen", "host:"}, "--listen host:"},
    };
    static struct said said;
    struct fixture *f = *state;

    for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
        run(f, refusals[i].args, &said);
        if (said.status != 2)
            fail_msg("refusal %zu exited with %d", i, said.status);
        assert_string_equal(said.out, "");
        sc__test_assert_contains(said.err, refusals[i].message);
        sc__test_assert_contains(said.err, "Try 'counter_export --help'.");
    }
}

/* ---- --textfile --------------------------------------------------------- */

static void textfile_holds_the_same_text(void **state)
{
    static struct said said;
    static char text[FILE_MAX];
    struct fixture *f = *state;
    char path[4300], missing[4300];

    open_known(f);
    in_dir(f, "sharedcounter.prom", path, sizeof path);
    run(f, (const char *[]){"--textfile", path, NULL}, &said);
    assert_int_equal(said.status, 0);
    assert_string_equal(said.out, "");
    assert_left_out_said(said.err);
    assert_true(read_whole(path, text, sizeof text) > 0);
    assert_string_equal(text, known_text);
    assert_false(has_temporary_file(f->dir));

    /* A folder that is not there. */
    in_dir(f, "missing/folder/x.prom", missing, sizeof missing);
    run(f, (const char *[]){"--textfile", missing, NULL}, &said);
    assert_int_equal(said.status, 1);
    sc__test_assert_contains(said.err, "counter_export: cannot ");
    sc__test_assert_contains(said.err, ".tmp-");
}

/* How many lines text has, and whether it ends with one. */
static int is_whole(const char *text, long length, long lines)
{
    long count = 0;

    for (long i = 0; i < length; i++)
        count += text[i] == '\n';
    return length > 0 && text[length - 1] == '\n' && count == lines;
}

static void rewrites_are_never_seen_in_part(void **state)
{
    static struct said said;
    static char text[FILE_MAX];
    static char seen[REWRITES + 1];
    struct fixture *f = *state;
    char path[4300], name[64];
    unsigned long reads = 0, absent = 0, versions = 0;
    long size = 0;

    /* Each counter a family of its own: three lines, about 130 bytes. */
    for (int k = 0; k < REWRITE_COUNTERS; k++) {
        snprintf(name, sizeof name, "rewritten_%04d_total", k);
        assert_true(f->lib.open(name) >= 0);
    }
    in_dir(f, "rewritten.prom", path, sizeof path);
    for (int run_number = 1; run_number <= REWRITES; run_number++) {
        struct exporter *e = &f->exporters[0];
        f->lib.add_default(1);
        exporter_start(f, e, (const char *[]){"--textfile", path, NULL});
        /* Reads while it writes, renames and ends. */
        do {
            long length = read_whole(path, text, sizeof text);
            reads++;
            if (length < 0) {
                absent++;
                continue;
            }
            if (!is_whole(text, length, 6 + 3 * REWRITE_COUNTERS))
                fail_msg("a read of %ld bytes saw part of a file:\n%.300s",
                         length, text);
            int64_t value = strtoll(strstr(text, "\nsharedcounter_value ") +
                                        strlen("\nsharedcounter_value "),
                                    NULL, 10);
            assert_true(value >= run_number - 1 && value <= run_number);
            versions += !seen[value];
            seen[value] = 1;
            size = length;
        } while (exporter_running(e));
        exporter_finish(e, &said);
        assert_int_equal(said.status, 0);
    }
    assert_true(versions >= 2);
    assert_false(has_temporary_file(f->dir));
    printf("[ FIGURES  ] %d rewrites of a %ld-byte file, %lu reads meanwhile "
           "(%lu before the first), %lu versions seen, none in part\n",
           REWRITES, size, reads, absent, versions);
}

#if defined(_WIN32)

/* A reader that opened the file without FILE_SHARE_DELETE, as most programs
 * open a file, holds up its replacement while it keeps it open: for a
 * moment the rename waits, for longer it fails. */
static void reader_without_share_delete_holds_up_the_rename(void **state)
{
    static struct said said;
    static char text[FILE_MAX];
    struct fixture *f = *state;
    struct exporter *e = &f->exporters[0];
    char path[4300];
    DWORD written;

    in_dir(f, "held.prom", path, sizeof path);
    for (int held_ms = 300;; held_ms = 5000) {
        HANDLE file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                                  CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        assert_true(file != INVALID_HANDLE_VALUE);
        assert_true(WriteFile(file, "old\n", 4, &written, NULL));
        exporter_start(f, e, (const char *[]){"--textfile", path, NULL});
        DWORD waited = WaitForSingleObject(e->child.process, held_ms);
        CloseHandle(file);
        exporter_finish(e, &said);
        assert_true(read_whole(path, text, sizeof text) > 0);
        assert_false(has_temporary_file(f->dir));
        if (held_ms == 300) {
            assert_int_equal(waited, WAIT_TIMEOUT);
            assert_int_equal(said.status, 0);
            assert_memory_equal(text, "# HELP sharedcounter_value ", 27);
            continue;
        }
        assert_int_equal(waited, WAIT_OBJECT_0);
        assert_int_equal(said.status, 1);
        assert_string_equal(text, "old\n");
        sc__test_assert_contains(said.err, "counter_export: cannot replace ");
        return;
    }
}

#endif

/* Reads the file until its default counter's line is line; the time it
 * took, in ms. */
static uint64_t until_the_file_says(const char *path, const char *line)
{
    static char text[FILE_MAX];
    uint64_t start = sc__clock_us();

    for (;;) {
        if (read_whole(path, text, sizeof text) > 0 && strstr(text, line))
            return (sc__clock_us() - start) / 1000;
        if (sc__clock_us() - start > (uint64_t)SC_TEST_CHILD_TIMEOUT_MS * 1000)
            fail_msg("the file never said \"%s\":\n%s", line, text);
        sc__sleep_ms(20);
    }
}

static void interval_rewrites_until_stopped(void **state)
{
    static struct said said;
    struct fixture *f = *state;
    struct exporter *e = &f->exporters[0];
    char path[4300];

    in_dir(f, "every-second.prom", path, sizeof path);
    exporter_start(
        f, e, (const char *[]){"--textfile", path, "--interval", "1", NULL});
    until_the_file_says(path, "\nsharedcounter_value 0\n");
    f->lib.add_default(5);
    uint64_t took = until_the_file_says(path, "\nsharedcounter_value 5\n");
    exporter_stop(e);
    exporter_finish(e, &said);
    assert_int_equal(said.status, 0);
    assert_string_equal(said.err, "");
    assert_false(has_temporary_file(f->dir));
    printf("[ FIGURES  ] --interval 1: a change was in the file after %" PRIu64
           " ms\n",
           took);
}

/* ---- --listen: a client ------------------------------------------------- */

static sock connect_to(const char *host, int port)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *found;
    char service[8];

    snprintf(service, sizeof service, "%d", port);
    assert_int_equal(getaddrinfo(host, service, &hints, &found), 0);
    sock s = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    assert_true(s != NO_SOCK);
    set_receive_timeout(s);
    assert_int_equal(connect(s, found->ai_addr, (int)found->ai_addrlen), 0);
    freeaddrinfo(found);
    return s;
}

static void send_all(sock s, const char *data, size_t length)
{
    while (length > 0) {
        long sent = (long)send(s, data, (int)length, SEND_FLAGS);
        assert_true(sent > 0);
        data += sent;
        length -= (size_t)sent;
    }
}

/* Reads until the server closes; fails on an error or after
 * SOCKET_TIMEOUT_MS without a byte. Returns the length. */
static size_t receive_all(sock s, char *buffer, size_t size)
{
    size_t used = 0;

    for (;;) {
        long got = (long)recv(s, buffer + used, (int)(size - 1 - used), 0);
        assert_true(got >= 0);
        if (got == 0)
            break;
        used += (size_t)got;
        assert_true(used + 1 < size);
    }
    buffer[used] = '\0';
    return used;
}

static const char get_metrics[] =
    "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n";

/* One request on a connection of its own; the whole answer in answer. */
static void ask(const char *host, int port, const char *request, size_t length,
                char *answer, size_t size)
{
    sock s = connect_to(host, port);

    send_all(s, request, length);
    receive_all(s, answer, size);
    close_sock(s);
}

/* Fails unless answer has the status line and a body of exactly body,
 * with Content-Length and Content-Type to match, and the connection
 * closed. body NULL: no body, the head of a GET's answer of body_length. */
static void assert_answer(const char *answer, const char *status_line,
                          const char *type, const char *body,
                          size_t body_length)
{
    char header[128];
    const char *end = strstr(answer, "\r\n\r\n");

    assert_non_null(end);
    if (strncmp(answer, status_line, strlen(status_line)) != 0)
        fail_msg("expected \"%s\", got:\n%s", status_line, answer);
    snprintf(header, sizeof header, "\r\nContent-Type: %s\r\n", type);
    sc__test_assert_contains(answer, header);
    snprintf(header, sizeof header, "\r\nContent-Length: %" PRIu64 "\r\n",
             (uint64_t)(body != NULL ? strlen(body) : body_length));
    sc__test_assert_contains(answer, header);
    sc__test_assert_contains(answer, "\r\nConnection: close\r\n");
    assert_string_equal(end + 4, body != NULL ? body : "");
}

#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define ERROR_TYPE "text/plain; charset=utf-8"

/* Starts an exporter with --listen address; returns its port. */
static int start_listening(struct fixture *f, struct exporter *e,
                           const char *address, const char *url_start)
{
    char line[256];

    exporter_start(f, e, (const char *[]){"--listen", address, NULL});
    exporter_line(e, line, sizeof line);
    if (strncmp(line, url_start, strlen(url_start)) != 0 ||
        strstr(line, "/metrics") == NULL)
        fail_msg("expected \"%s...\", got \"%s\"", url_start, line);
    return atoi(strrchr(line, ':') + 1);
}

static void stop_and_expect_0(struct exporter *e)
{
    static struct said said;

    exporter_stop(e);
    exporter_finish(e, &said);
    assert_int_equal(said.status, 0);
}

/* ---- --listen ----------------------------------------------------------- */

static void serves_metrics_and_refuses_the_rest(void **state)
{
    static char answer[OUTPUT_MAX], request[12 * 1024];
    struct fixture *f = *state;
    struct exporter *e = &f->exporters[0];
    static const struct {
        const char *request, *status_line;
    } refused[] = {
        {"GET /other HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n"},
        {"GET / HTTP/1.0\r\n\r\n", "HTTP/1.1 404 Not Found\r\n"},
        {"GET /metrics/x HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n"},
        {"POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nab",
         "HTTP/1.1 405 Method Not Allowed\r\n"},
        {"hello\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
        {"GET /metrics\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
        {"GET /metrics HTTP/2.0\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
        {"GET  /metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
        {"GET /metrics HTTP/1.1\r\nno colon\r\n\r\n",
         "HTTP/1.1 400 Bad Request\r\n"},
        {"GET /metrics HTTP/1.1\r\nX: a\rb\r\n\r\n",
         "HTTP/1.1 400 Bad Request\r\n"},
    };

    open_known(f);
    int port =
        start_listening(f, e, "127.0.0.1:0", "serving http://127.0.0.1:");
    ask("127.0.0.1", port, get_metrics, strlen(get_metrics), answer,
        sizeof answer);
    assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, known_text, 0);
    /* A bare LF ends lines too, and a query is no other path. */
    static const char lf_and_query[] = "GET /metrics?x=1 HTTP/1.0\n\n";
    ask("127.0.0.1", port, lf_and_query, strlen(lf_and_query), answer,
        sizeof answer);
    assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, known_text, 0);
    static const char head[] = "HEAD /metrics HTTP/1.1\r\n\r\n";
    ask("127.0.0.1", port, head, strlen(head), answer, sizeof answer);
    assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, NULL,
                  strlen(known_text));

    /* A byte at a time, the line end split. */
    sock slow = connect_to("127.0.0.1", port);
    for (size_t i = 0; i < strlen(get_metrics); i++) {
        send_all(slow, get_metrics + i, 1);
        sc__sleep_ms(2);
    }
    receive_all(slow, answer, sizeof answer);
    close_sock(slow);
    assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, known_text, 0);

    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        ask("127.0.0.1", port, refused[i].request, strlen(refused[i].request),
            answer, sizeof answer);
        if (strncmp(answer, refused[i].status_line,
                    strlen(refused[i].status_line)) != 0)
            fail_msg("\"%s\" got:\n%s", refused[i].request, answer);
        const char *body = strstr(answer, "\r\n\r\n") + 4;
        assert_answer(answer, refused[i].status_line, ERROR_TYPE, body, 0);
    }
    static const char with_nul[] = "GET /metrics HTTP/1.1\r\n\0\r\n\r\n";
    ask("127.0.0.1", port, with_nul, sizeof with_nul - 1, answer,
        sizeof answer);
    assert_answer(answer, "HTTP/1.1 400 Bad Request\r\n", ERROR_TYPE,
                  strstr(answer, "\r\n\r\n") + 4, 0);

    /* A header of 10 KiB: over the 8 KiB a head may have. */
    int length =
        snprintf(request, sizeof request, "GET /metrics HTTP/1.1\r\nX-Long: ");
    memset(request + length, 'x', 10 * 1024);
    memcpy(request + length + 10 * 1024, "\r\n\r\n", 5);
    ask("127.0.0.1", port, request, strlen(request), answer, sizeof answer);
    assert_answer(answer, "HTTP/1.1 400 Bad Request\r\n", ERROR_TYPE,
                  "Not an HTTP/1.x request, or a head over 8 KiB.\n", 0);

    /* Still serving after all that. */
    ask("127.0.0.1", port, get_metrics, strlen(get_metrics), answer,
        sizeof answer);
    assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, known_text, 0);
    stop_and_expect_0(e);
}

static void silent_and_stalled_clients_are_dropped(void **state)
{
    static char answer[OUTPUT_MAX];
    struct fixture *f = *state;
    struct exporter *e = &f->exporters[0];
    char scrap[64];

    open_known(f);
    int port =
        start_listening(f, e, "127.0.0.1:0", "serving http://127.0.0.1:");
    sock silent = connect_to("127.0.0.1", port);
    sock stalled = connect_to("127.0.0.1", port);
    send_all(stalled, get_metrics, 10);
    uint64_t start = sc__clock_us();
    ask("127.0.0.1", port, get_metrics, strlen(get_metrics), answer,
        sizeof answer);
    assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, known_text, 0);
    uint64_t served = sc__clock_us();
    /* Served while the two still hold their connections, not after they
     * were dropped. */
    assert_false(readable_now(silent));
    assert_false(readable_now(stalled));
    /* Dropped: the end of the data, before this side's own timeout. */
    assert_int_equal(recv(silent, scrap, sizeof scrap, 0), 0);
    uint64_t silent_dropped = sc__clock_us();
    assert_int_equal(recv(stalled, scrap, sizeof scrap, 0), 0);
    uint64_t stalled_dropped = sc__clock_us();
    close_sock(silent);
    close_sock(stalled);
    printf("[ FIGURES  ] served another client after %" PRIu64
           " ms; dropped the silent one after %" PRIu64
           " ms, the stalled one after %" PRIu64 " ms\n",
           (served - start) / 1000, (silent_dropped - start) / 1000,
           (stalled_dropped - start) / 1000);
    stop_and_expect_0(e);
}

static void many_clients_at_once_and_in_a_row(void **state)
{
    static char answer[OUTPUT_MAX];
    static sock clients[AT_ONCE];
    struct fixture *f = *state;
    struct exporter *e = &f->exporters[0];

    open_known(f);
    int port =
        start_listening(f, e, "127.0.0.1:0", "serving http://127.0.0.1:");
    for (int i = 0; i < AT_ONCE; i++)
        clients[i] = connect_to("127.0.0.1", port);
    for (int i = 0; i < AT_ONCE; i++)
        send_all(clients[i], get_metrics, strlen(get_metrics));
    for (int i = 0; i < AT_ONCE; i++) {
        receive_all(clients[i], answer, sizeof answer);
        close_sock(clients[i]);
        assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, known_text,
                      0);
    }
    uint64_t start = sc__clock_us();
    for (int i = 0; i < IN_A_ROW; i++) {
        ask("127.0.0.1", port, get_metrics, strlen(get_metrics), answer,
            sizeof answer);
        assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, known_text,
                      0);
    }
    printf("[ FIGURES  ] %d clients at once, each answered; then %d in a row "
           "in %" PRIu64 " ms\n",
           AT_ONCE, IN_A_ROW, (sc__clock_us() - start) / 1000);
    stop_and_expect_0(e);
}

static void listens_on_ipv6(void **state)
{
    static char answer[OUTPUT_MAX];
    struct fixture *f = *state;
    struct exporter *e = &f->exporters[0];
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *found;

    /* The system may have no IPv6 at all. */
    assert_int_equal(getaddrinfo("::1", "0", &hints, &found), 0);
    sock probe = socket(found->ai_family, found->ai_socktype, 0);
    int usable = probe != NO_SOCK &&
                 bind(probe, found->ai_addr, (int)found->ai_addrlen) == 0;
    if (probe != NO_SOCK)
        close_sock(probe);
    freeaddrinfo(found);
    if (!usable)
        skip();
    open_known(f);
    int port = start_listening(f, e, "[::1]:0", "serving http://[::1]:");
    ask("::1", port, get_metrics, strlen(get_metrics), answer, sizeof answer);
    assert_answer(answer, "HTTP/1.1 200 OK\r\n", METRICS_TYPE, known_text, 0);
    stop_and_expect_0(e);
}

static void port_in_use_fails_and_comes_free_at_the_stop(void **state)
{
    static char answer[OUTPUT_MAX];
    static struct said said;
    struct fixture *f = *state;
    char address[64], message[128];

    open_known(f);
    int port = start_listening(f, &f->exporters[0], "127.0.0.1:0",
                               "serving http://127.0.0.1:");
    ask("127.0.0.1", port, get_metrics, strlen(get_metrics), answer,
        sizeof answer);
    snprintf(address, sizeof address, "127.0.0.1:%d", port);
    exporter_start(f, &f->exporters[1],
                   (const char *[]){"--listen", address, NULL});
    exporter_finish(&f->exporters[1], &said);
    assert_int_equal(said.status, 1);
    assert_string_equal(said.out, "");
    snprintf(message, sizeof message,
             "counter_export: cannot listen on %s: the port is in use (",
             address);
    sc__test_assert_contains(said.err, message);

    /* The stop closes the port; a new exporter takes it at once, although
     * the connection served lingers. */
    stop_and_expect_0(&f->exporters[0]);
    char url[96];
    snprintf(url, sizeof url, "serving http://%s/metrics", address);
    assert_int_equal(start_listening(f, &f->exporters[2], address, url), port);
    stop_and_expect_0(&f->exporters[2]);
}

static void stop_signals_end_it_cleanly(void **state)
{
    static char answer[OUTPUT_MAX];
    static struct said said;
    struct fixture *f = *state;
    struct exporter *e = &f->exporters[0];

#if defined(_WIN32)
    static const char *const names[] = {"Ctrl-C"};
#else
    static const char *const names[] = {"SIGTERM", "SIGINT"};
    static const int signals[] = {SIGTERM, SIGINT};
#endif
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int port =
            start_listening(f, e, "127.0.0.1:0", "serving http://127.0.0.1:");
        /* A client in the middle of its request when the stop comes. */
        sock waiting = connect_to("127.0.0.1", port);
        send_all(waiting, get_metrics, 10);
        ask("127.0.0.1", port, get_metrics, strlen(get_metrics), answer,
            sizeof answer);
#if defined(_WIN32)
        exporter_stop(e);
#else
        exporter_signal(e, signals[i]);
#endif
        exporter_finish(e, &said);
        if (said.status != 0)
            fail_msg("%s: exit status %d, stderr:\n%s", names[i], said.status,
                     said.err);
        assert_string_equal(said.err, "");
        char scrap[16];
        assert_true(recv(waiting, scrap, sizeof scrap, 0) <= 0);
        close_sock(waiting);
    }
}

int main(int argc, char **argv)
{
#if defined(_WIN32)
    if (argc == 2 && strcmp(argv[1], SC_TEST_HOLD_CONSOLE) == 0)
        return sc__test_hold_console();
#else
    (void)argc;
    (void)argv;
#endif
    const struct CMUnitTest tests[] = {
#define CASE(test) cmocka_unit_test_setup_teardown(test, setup, teardown)
        CASE(prints_every_counter_grouped_and_typed),
        CASE(version_names_the_library_it_reads),
        CASE(bad_usage_exits_2),
        CASE(textfile_holds_the_same_text),
        CASE(rewrites_are_never_seen_in_part),
#if defined(_WIN32)
        CASE(reader_without_share_delete_holds_up_the_rename),
#endif
        CASE(interval_rewrites_until_stopped),
        CASE(serves_metrics_and_refuses_the_rest),
        CASE(silent_and_stalled_clients_are_dropped),
        CASE(many_clients_at_once_and_in_a_row),
        CASE(listens_on_ipv6),
        CASE(port_in_use_fails_and_comes_free_at_the_stop),
        CASE(stop_signals_end_it_cleanly),
#undef CASE
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
