/* Child processes on Windows; see child_process.h. */
#include "child_process.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    PIPE_BUFFER = 65536, /* each pipe's buffer, and the largest write */
    READ_CHUNK = 65536,  /* the most one read takes from a pipe */
    KILL_WAIT_MS = 10000 /* for a terminated child to be gone */
};

/*
 * Our side of a child's standard stream. Every pipe operation is
 * overlapped, so that one thread can wait for the input, both outputs and
 * a deadline at once, and no child can block it on a full pipe.
 */
struct stream {
    OVERLAPPED ov; /* ov.hEvent is set when an operation ends */
    int busy;      /* an operation is in progress, on data: it must not move */
    int ended;     /* end of output seen, or the stream failed (error) */
    DWORD error;
    char *data;
    size_t start, len, cap; /* data[start, len): received and not yet
                               taken; or, for stdin, still to be written */
};

enum { STREAM_IN, STREAM_OUT, STREAM_ERR, STREAM_COUNT };

struct sc__child_io {
    struct stream s[STREAM_COUNT];
};

static HANDLE *stream_handle(struct sc_child *child, int i)
{
    return i == STREAM_IN    ? &child->stdin_write
           : i == STREAM_OUT ? &child->stdout_read
                             : &child->stderr_read;
}

/* A stream with no handle (not piped, closed, or taken by the caller) is
 * left alone. */
static int stream_done(struct sc_child *child, int i)
{
    return *stream_handle(child, i) == NULL || child->io->s[i].ended;
}

static void fail(struct stream *s, DWORD error)
{
    s->error = error;
    s->ended = 1;
}

/* Makes room for a read at the end of data. Only while no read is in
 * progress: that read writes into data. */
static int make_room(struct stream *s)
{
    if (s->start > 0) {
        memmove(s->data, s->data + s->start, s->len - s->start);
        s->len -= s->start;
        s->start = 0;
    }
    if (s->cap - s->len > READ_CHUNK)
        return 0;
    size_t cap = 2 * (s->len + READ_CHUNK + 1);
    char *grown = realloc(s->data, cap);
    if (grown == NULL)
        return -1;
    s->data = grown;
    s->cap = cap;
    return 0;
}

static void end_operation(struct stream *s, int i, DWORD error)
{
    /* A pipe breaks when the child closes its end: for an output that is
     * the end of it, for the input a failed write. */
    if (error == ERROR_BROKEN_PIPE && i != STREAM_IN)
        s->ended = 1;
    else
        fail(s, error);
}

/* Starts the next operation on stream i unless one is in progress or there
 * is nothing to do. Finished at once or not, its event says when it is
 * done, and finish_operation() takes the result. */
static void start_operation(struct sc_child *child, int i)
{
    struct stream *s = &child->io->s[i];
    HANDLE h = *stream_handle(child, i);
    BOOL ok;

    if (s->busy || stream_done(child, i))
        return;
    if (i == STREAM_IN) {
        size_t left = s->len - s->start;
        if (left == 0)
            return;
        ok = WriteFile(h, s->data + s->start,
                       left > PIPE_BUFFER ? PIPE_BUFFER : (DWORD)left, NULL,
                       &s->ov);
    } else {
        if (make_room(s) != 0) {
            fail(s, ERROR_NOT_ENOUGH_MEMORY);
            return;
        }
        ok = ReadFile(h, s->data + s->len, READ_CHUNK, NULL, &s->ov);
    }
    if (ok || GetLastError() == ERROR_IO_PENDING)
        s->busy = 1;
    else
        end_operation(s, i, GetLastError());
}

static void finish_operation(struct sc_child *child, int i, BOOL wait)
{
    struct stream *s = &child->io->s[i];
    DWORD done;

    if (!GetOverlappedResult(*stream_handle(child, i), &s->ov, &done, wait)) {
        s->busy = 0;
        end_operation(s, i, GetLastError());
        return;
    }
    s->busy = 0;
    if (i == STREAM_IN)
        s->start += done;
    else
        s->len += done;
}

/* Cancels the operation in progress on stream i, if any, and waits until
 * it has let go of the stream's buffer. */
static void settle(struct sc_child *child, int i)
{
    if (!child->io->s[i].busy || *stream_handle(child, i) == NULL)
        return;
    CancelIoEx(*stream_handle(child, i), &child->io->s[i].ov);
    finish_operation(child, i, TRUE);
}

static ULONGLONG deadline_after(DWORD ms)
{
    return ms == INFINITE ? UINT64_MAX : sc__clock_ms() + ms;
}

static DWORD ms_left(ULONGLONG deadline)
{
    ULONGLONG now = sc__clock_ms();

    if (deadline == UINT64_MAX)
        return INFINITE;
    return now >= deadline ? 0 : (DWORD)(deadline - now);
}

typedef int (*pump_goal)(struct sc_child *child);

static int input_written(struct sc_child *child)
{
    const struct stream *s = &child->io->s[STREAM_IN];
    return stream_done(child, STREAM_IN) || (!s->busy && s->start == s->len);
}

static int outputs_ended(struct sc_child *child)
{
    return stream_done(child, STREAM_OUT) && stream_done(child, STREAM_ERR);
}

static int line_ready(struct sc_child *child)
{
    const struct stream *s = &child->io->s[STREAM_OUT];
    return stream_done(child, STREAM_OUT) ||
           (s->len > s->start &&
            memchr(s->data + s->start, '\n', s->len - s->start) != NULL);
}

/* Moves data through all three pipes at once until goal holds. Returns 0,
 * WAIT_TIMEOUT at the deadline, or the error of a failed wait. */
static DWORD pump(struct sc_child *child, ULONGLONG deadline, pump_goal goal)
{
    for (;;) {
        HANDLE events[STREAM_COUNT];
        int which[STREAM_COUNT], n = 0;

        for (int i = 0; i < STREAM_COUNT; i++)
            start_operation(child, i);
        if (goal(child))
            return 0;
        for (int i = 0; i < STREAM_COUNT; i++) {
            if (child->io->s[i].busy) {
                events[n] = child->io->s[i].ov.hEvent;
                which[n++] = i;
            }
        }
        if (n == 0)
            return ERROR_INVALID_HANDLE; /* nothing left that could move */
        DWORD waited =
            WaitForMultipleObjects((DWORD)n, events, FALSE, ms_left(deadline));
        if (waited == WAIT_TIMEOUT)
            return WAIT_TIMEOUT;
        if (waited >= WAIT_OBJECT_0 + (DWORD)n)
            return GetLastError();
        finish_operation(child, which[waited - WAIT_OBJECT_0], FALSE);
    }
}

/* An overlapped pipe end for us, and an ordinary, inheritable one for the
 * child. Named, because anonymous pipes cannot do overlapped I/O; one
 * instance only, taken by the child's end at once, so nobody else can
 * connect to it. */
static DWORD make_pipe(HANDLE *child_end, HANDLE *our_end, int child_reads)
{
    static LONG serial;
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    wchar_t name[80];

    swprintf(name, sizeof name / sizeof name[0],
             L"\\\\.\\pipe\\sharedcounter-%lu-%ld",
             (unsigned long)GetCurrentProcessId(),
             (long)InterlockedIncrement(&serial));
    *our_end = CreateNamedPipeW(
        name,
        (child_reads ? PIPE_ACCESS_OUTBOUND : PIPE_ACCESS_INBOUND) |
            FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
        PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
            PIPE_REJECT_REMOTE_CLIENTS,
        1, PIPE_BUFFER, PIPE_BUFFER, 0, NULL);
    if (*our_end == INVALID_HANDLE_VALUE) {
        *our_end = NULL;
        return GetLastError();
    }
    *child_end = CreateFileW(name,
                             child_reads ? GENERIC_READ | FILE_WRITE_ATTRIBUTES
                                         : GENERIC_WRITE | FILE_READ_ATTRIBUTES,
                             0, &inherit, OPEN_EXISTING, 0, NULL);
    if (*child_end == INVALID_HANDLE_VALUE) {
        *child_end = NULL;
        return GetLastError();
    }
    return 0;
}

/* An inheritable handle to a device: NUL, or CONIN$ (the console's
 * input). */
static DWORD open_device(HANDLE *h, const wchar_t *name, DWORD access)
{
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};

    *h = CreateFileW(name, access, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                     OPEN_EXISTING, 0, NULL);
    if (*h != INVALID_HANDLE_VALUE)
        return 0;
    *h = NULL;
    return GetLastError();
}

static DWORD open_stdin(struct sc_child *child, HANDLE *end, unsigned flags)
{
    if (flags & SC_CHILD_PIPE_STDIN)
        return (flags & SC_CHILD_CONSOLE_STDIN)
                   ? ERROR_INVALID_PARAMETER
                   : make_pipe(end, &child->stdin_write, 1);
    if (flags & SC_CHILD_CONSOLE_STDIN)
        return open_device(end, L"CONIN$", GENERIC_READ | GENERIC_WRITE);
    return open_device(end, L"NUL", GENERIC_READ);
}

/* The child's ends of its standard handles. Streams that are not piped
 * read from or write to NUL, so that many children never fight over the
 * console. A child without them (detached) gets INVALID_HANDLE_VALUE; one
 * in a console of its own gets none (NULL), and so that console's. */
static DWORD make_child_handles(struct sc_child *child, HANDLE ends[3],
                                unsigned flags)
{
    if (flags & (SC_CHILD_DETACHED | SC_CHILD_OWN_CONSOLE)) {
        HANDLE none = (flags & SC_CHILD_DETACHED) ? INVALID_HANDLE_VALUE : NULL;
        for (int i = 0; i < 3; i++)
            ends[i] = none;
        return (flags & (SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT |
                         SC_CHILD_CONSOLE_STDIN))
                   ? ERROR_INVALID_PARAMETER
                   : 0;
    }
    DWORD err = open_stdin(child, &ends[0], flags);
    if (err == 0)
        err = (flags & SC_CHILD_PIPE_OUTPUT)
                  ? make_pipe(&ends[1], &child->stdout_read, 0)
                  : open_device(&ends[1], L"NUL", GENERIC_WRITE);
    if (err == 0)
        err = (flags & SC_CHILD_PIPE_OUTPUT)
                  ? make_pipe(&ends[2], &child->stderr_read, 0)
                  : open_device(&ends[2], L"NUL", GENERIC_WRITE);
    return err;
}

static DWORD make_io(struct sc_child *child)
{
    child->io = calloc(1, sizeof *child->io);
    if (child->io == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (int i = 0; i < STREAM_COUNT; i++) {
        child->io->s[i].ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
        if (child->io->s[i].ov.hEvent == NULL)
            return GetLastError();
    }
    return 0;
}

/* "program" args, in UTF-16. */
static wchar_t *make_command_line(const char *program, const char *args)
{
    size_t size = strlen(program) + (args ? strlen(args) : 0) + 4;
    char *line = malloc(size);
    wchar_t *wide = NULL;

    if (line != NULL) {
        snprintf(line, size, "\"%s\"%s%s", program, args ? " " : "",
                 args ? args : "");
        wide = sc__wide_from_utf8(line);
        free(line);
    }
    return wide;
}

/* The handle list lets the child inherit exactly its three ends: without
 * it, a child would also inherit every other inheritable handle of this
 * process, such as the pipe ends of a sibling being started at the same
 * moment on another thread, and a reader could then wait for an end of
 * file that never comes. */
static DWORD make_startup_info(STARTUPINFOEXW *si, HANDLE ends[3])
{
    SIZE_T list_size = 0;

    memset(si, 0, sizeof *si);
    si->StartupInfo.cb = sizeof *si;
    /* A child in a console of its own takes that console's handles. */
    if (ends[0] == NULL)
        return 0;
    si->StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si->StartupInfo.hStdInput = ends[0];
    si->StartupInfo.hStdOutput = ends[1];
    si->StartupInfo.hStdError = ends[2];
    /* A detached child inherits nothing: no list to make. */
    if (ends[0] == INVALID_HANDLE_VALUE)
        return 0;
    InitializeProcThreadAttributeList(NULL, 1, 0, &list_size);
    si->lpAttributeList = malloc(list_size);
    if (si->lpAttributeList == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!InitializeProcThreadAttributeList(si->lpAttributeList, 1, 0,
                                           &list_size)) {
        DWORD err = GetLastError();
        free(si->lpAttributeList);
        si->lpAttributeList = NULL;
        return err;
    }
    return UpdateProcThreadAttribute(si->lpAttributeList, 0,
                                     PROC_THREAD_ATTRIBUTE_HANDLE_LIST, ends,
                                     3 * sizeof(HANDLE), NULL, NULL)
               ? 0
               : GetLastError();
}

/* The folder of a full path, as a new string, or NULL (see GetLastError). */
static wchar_t *folder_of(const wchar_t *path)
{
    const wchar_t *slash = wcsrchr(path, L'\\');
    size_t len = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    wchar_t *folder = len > 0 ? malloc((len + 1) * sizeof *folder) : NULL;

    if (folder == NULL) {
        SetLastError(len > 0 ? ERROR_NOT_ENOUGH_MEMORY : ERROR_BAD_PATHNAME);
        return NULL;
    }
    memcpy(folder, path, len * sizeof *folder);
    folder[len] = L'\0';
    return folder;
}

/* The program goes to CreateProcessW twice: as the application name in its
 * full, "\\?\" form where it is long, which CreateProcessW accepts past
 * MAX_PATH, and as given at the head of the command line, the child's
 * argv[0]. */
static DWORD create_process(struct sc_child *child, const char *program,
                            const char *args, HANDLE ends[3], unsigned flags)
{
    STARTUPINFOEXW si = {.lpAttributeList = NULL};
    PROCESS_INFORMATION pi;
    wchar_t *application = sc__wide_path(program);
    DWORD err = application != NULL ? 0 : GetLastError();
    wchar_t *command_line = err == 0 ? make_command_line(program, args) : NULL;
    DWORD creation = EXTENDED_STARTUPINFO_PRESENT |
                     ((flags & SC_CHILD_SUSPENDED) ? CREATE_SUSPENDED : 0) |
                     ((flags & SC_CHILD_DETACHED) ? DETACHED_PROCESS : 0) |
                     ((flags & SC_CHILD_OWN_CONSOLE) ? CREATE_NO_WINDOW : 0);
    BOOL inherit =
        (flags & (SC_CHILD_DETACHED | SC_CHILD_OWN_CONSOLE)) ? FALSE : TRUE;

    wchar_t *folder = err == 0 && (flags & SC_CHILD_IN_ITS_FOLDER)
                          ? folder_of(application)
                          : NULL;

    if (err == 0 && command_line == NULL)
        err = GetLastError();
    if (err == 0 && (flags & SC_CHILD_IN_ITS_FOLDER) && folder == NULL)
        err = GetLastError();
    if (err == 0)
        err = make_startup_info(&si, ends);
    if (si.lpAttributeList == NULL)
        creation &= ~(DWORD)EXTENDED_STARTUPINFO_PRESENT;
    if (err == 0 &&
        CreateProcessW(application, command_line, NULL, NULL, inherit, creation,
                       NULL, folder, &si.StartupInfo, &pi)) {
        child->process = pi.hProcess;
        child->thread = pi.hThread;
        child->pid = pi.dwProcessId;
    } else if (err == 0) {
        err = GetLastError();
    }
    if (si.lpAttributeList != NULL) {
        DeleteProcThreadAttributeList(si.lpAttributeList);
        free(si.lpAttributeList);
    }
    free(folder);
    free(command_line);
    free(application);
    return err;
}

DWORD sc__child_start(struct sc_child *child, const char *program,
                      const char *args, unsigned flags)
{
    HANDLE ends[3] = {NULL, NULL, NULL};

    memset(child, 0, sizeof *child);
    DWORD err = make_io(child);
    if (err == 0)
        err = make_child_handles(child, ends, flags);
    if (err == 0)
        err = create_process(child, program, args, ends, flags);
    for (int i = 0; i < 3; i++)
        sc__close_handle(&ends[i]);
    if (err != 0)
        sc__child_close(child);
    return err;
}

DWORD sc__child_resume(struct sc_child *child)
{
    return ResumeThread(child->thread) == (DWORD)-1 ? GetLastError() : 0;
}

static DWORD append(struct stream *s, const char *data, size_t len)
{
    if (s->cap - s->len < len) {
        char *grown = realloc(s->data, s->len + len);
        if (grown == NULL)
            return ERROR_NOT_ENOUGH_MEMORY;
        s->data = grown;
        s->cap = s->len + len;
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    return 0;
}

DWORD sc__child_write(struct sc_child *child, const char *data, size_t len)
{
    if (child->io == NULL || child->stdin_write == NULL)
        return ERROR_INVALID_HANDLE;
    struct stream *s = &child->io->s[STREAM_IN];
    DWORD err = s->error != 0 ? s->error : append(s, data, len);
    if (err == 0)
        err =
            pump(child, deadline_after(SC_CHILD_IO_TIMEOUT_MS), input_written);
    settle(child, STREAM_IN);
    if (err == 0)
        err = s->error;
    s->start = s->len = 0;
    return err;
}

void sc__child_close_stdin(struct sc_child *child)
{
    if (child->io != NULL)
        settle(child, STREAM_IN);
    sc__close_handle(&child->stdin_write);
}

DWORD sc__child_read_line(struct sc_child *child, char *buf, size_t size)
{
    if (child->io == NULL || child->stdout_read == NULL)
        return ERROR_INVALID_HANDLE;
    struct stream *s = &child->io->s[STREAM_OUT];
    DWORD err = pump(child, deadline_after(SC_CHILD_IO_TIMEOUT_MS), line_ready);
    if (err != 0)
        return err;
    const char *line = s->data + s->start;
    const char *end =
        s->len > s->start ? memchr(line, '\n', s->len - s->start) : NULL;
    if (end == NULL)
        return s->error != 0 ? s->error : ERROR_HANDLE_EOF;
    s->start += (size_t)(end - line) + 1;
    size_t len = (size_t)(end - line);
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len >= size)
        return ERROR_INSUFFICIENT_BUFFER;
    memcpy(buf, line, len);
    buf[len] = '\0';
    return 0;
}

static DWORD wait_for_exit(struct sc_child *child, ULONGLONG deadline,
                           DWORD *exit_code)
{
    DWORD waited = WaitForSingleObject(child->process, ms_left(deadline));

    if (waited == WAIT_TIMEOUT)
        return WAIT_TIMEOUT;
    if (waited != WAIT_OBJECT_0)
        return GetLastError();
    return GetExitCodeProcess(child->process, exit_code) ? 0 : GetLastError();
}

/* Hands what stream i received to the caller as a string. */
static DWORD take_text(struct stream *s, char **text, size_t *len)
{
    if (s->data == NULL && make_room(s) != 0)
        return ERROR_NOT_ENOUGH_MEMORY;
    /* A read always leaves room for the terminator (make_room()). */
    memmove(s->data, s->data + s->start, s->len - s->start);
    *len = s->len - s->start;
    s->data[*len] = '\0';
    *text = s->data;
    s->data = NULL;
    s->start = s->len = s->cap = 0;
    return 0;
}

static DWORD take_output(struct sc_child *child, struct sc_child_output *output)
{
    DWORD err =
        take_text(&child->io->s[STREAM_OUT], &output->out, &output->out_len);
    if (err == 0)
        err = take_text(&child->io->s[STREAM_ERR], &output->err,
                        &output->err_len);
    if (err != 0)
        sc__child_output_free(output);
    return err;
}

DWORD sc__child_finish(struct sc_child *child, DWORD timeout_ms,
                       DWORD *exit_code, struct sc_child_output *output)
{
    ULONGLONG deadline = deadline_after(timeout_ms);

    if (output != NULL)
        memset(output, 0, sizeof *output);
    *exit_code = STILL_ACTIVE;
    if (child->io == NULL || child->process == NULL)
        return ERROR_INVALID_HANDLE;
    /* Input the child does not take (it exited, or closed stdin) is
     * dropped: its exit code tells whether that matters. */
    DWORD err = pump(child, deadline, input_written);
    sc__child_close_stdin(child);
    if (err == 0)
        err = pump(child, deadline, outputs_ended);
    if (err == 0)
        err = wait_for_exit(child, deadline, exit_code);
    if (err == WAIT_TIMEOUT) {
        TerminateProcess(child->process, WAIT_TIMEOUT);
        WaitForSingleObject(child->process, KILL_WAIT_MS);
    }
    if (err == 0)
        err = child->io->s[STREAM_OUT].error;
    if (err == 0)
        err = child->io->s[STREAM_ERR].error;
    if (err == 0 && output != NULL)
        err = take_output(child, output);
    if (err != 0)
        *exit_code = STILL_ACTIVE;
    return err;
}

void sc__child_close(struct sc_child *child)
{
    if (child->io != NULL) {
        for (int i = 0; i < STREAM_COUNT; i++) {
            settle(child, i);
            sc__close_handle(&child->io->s[i].ov.hEvent);
            free(child->io->s[i].data);
        }
        free(child->io);
        child->io = NULL;
    }
    sc__close_handle(&child->stdin_write);
    sc__close_handle(&child->stdout_read);
    sc__close_handle(&child->stderr_read);
    sc__close_handle(&child->thread);
    sc__close_handle(&child->process);
}
