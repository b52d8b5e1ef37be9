/* Child processes with optional pipes; see spawn.h. */
#include "spawn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"

/* A pipe whose child end is inheritable and whose parent end is not, so
 * that later children never inherit the parent's end by accident. */
static DWORD make_pipe(HANDLE *child_end, HANDLE *parent_end, BOOL child_reads)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE read_end, write_end;

    if (!CreatePipe(&read_end, &write_end, &sa, 0))
        return GetLastError();
    *child_end = child_reads ? read_end : write_end;
    *parent_end = child_reads ? write_end : read_end;
    SetHandleInformation(*parent_end, HANDLE_FLAG_INHERIT, 0);
    return 0;
}

static DWORD open_nul(HANDLE *h, DWORD access)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    *h = CreateFileA("NUL", access, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                     OPEN_EXISTING, 0, NULL);
    return *h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
}

/* The child's ends of its standard handles. Streams that are not piped
 * read from or write to NUL, so that many children never fight over the
 * console. */
static DWORD make_child_handles(struct sc_child *child, HANDLE ends[3],
                                unsigned flags)
{
    DWORD err = (flags & SC_CHILD_PIPE_STDIN)
                    ? make_pipe(&ends[0], &child->stdin_write, TRUE)
                    : open_nul(&ends[0], GENERIC_READ);
    if (err == 0)
        err = (flags & SC_CHILD_PIPE_OUTPUT)
                  ? make_pipe(&ends[1], &child->stdout_read, FALSE)
                  : open_nul(&ends[1], GENERIC_WRITE);
    if (err == 0)
        err = (flags & SC_CHILD_PIPE_OUTPUT)
                  ? make_pipe(&ends[2], &child->stderr_read, FALSE)
                  : open_nul(&ends[2], GENERIC_WRITE);
    return err;
}

static char *make_command_line(const char *program, const char *args)
{
    size_t size = strlen(program) + (args ? strlen(args) : 0) + 4;
    char *line = malloc(size);

    if (line != NULL)
        snprintf(line, size, "\"%s\"%s%s", program, args ? " " : "",
                 args ? args : "");
    return line;
}

/* Starts the process with ends[] as its standard handles. The handle list
 * lets it inherit exactly those three: without it, a child would also
 * inherit every other inheritable handle of this process, such as the pipe
 * ends of a sibling being started at the same moment on another thread, and
 * a reader could then wait for an end of file that never comes. */
static DWORD create_process(struct sc_child *child, const char *program,
                            char *command_line, HANDLE ends[3], unsigned flags)
{
    STARTUPINFOEXA si;
    PROCESS_INFORMATION pi;
    SIZE_T list_size = 0;
    DWORD err = 0;

    memset(&si, 0, sizeof si);
    InitializeProcThreadAttributeList(NULL, 1, 0, &list_size);
    si.lpAttributeList = malloc(list_size);
    if (si.lpAttributeList == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0,
                                           &list_size)) {
        err = GetLastError();
        free(si.lpAttributeList);
        return err;
    }
    if (!UpdateProcThreadAttribute(si.lpAttributeList, 0,
                                   PROC_THREAD_ATTRIBUTE_HANDLE_LIST, ends,
                                   3 * sizeof(HANDLE), NULL, NULL))
        err = GetLastError();
    si.StartupInfo.cb = sizeof si;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = ends[0];
    si.StartupInfo.hStdOutput = ends[1];
    si.StartupInfo.hStdError = ends[2];
    DWORD creation = EXTENDED_STARTUPINFO_PRESENT |
                     ((flags & SC_CHILD_SUSPENDED) ? CREATE_SUSPENDED : 0);
    if (err == 0 &&
        CreateProcessA(program, command_line, NULL, NULL, TRUE, creation, NULL,
                       NULL, &si.StartupInfo, &pi)) {
        child->process = pi.hProcess;
        child->thread = pi.hThread;
        child->pid = pi.dwProcessId;
    } else if (err == 0) {
        err = GetLastError();
    }
    DeleteProcThreadAttributeList(si.lpAttributeList);
    free(si.lpAttributeList);
    return err;
}

DWORD sc__child_start(struct sc_child *child, const char *program,
                      const char *args, unsigned flags)
{
    HANDLE ends[3] = {NULL, NULL, NULL};
    char *command_line = make_command_line(program, args);
    DWORD err = command_line ? 0 : ERROR_NOT_ENOUGH_MEMORY;

    memset(child, 0, sizeof *child);
    if (err == 0)
        err = make_child_handles(child, ends, flags);
    if (err == 0)
        err = create_process(child, program, command_line, ends, flags);
    for (int i = 0; i < 3; i++)
        sc__close_handle(&ends[i]);
    free(command_line);
    if (err != 0)
        sc__child_close(child);
    return err;
}

DWORD sc__child_resume(struct sc_child *child)
{
    return ResumeThread(child->thread) == (DWORD)-1 ? GetLastError() : 0;
}

DWORD sc__child_write(struct sc_child *child, const char *data, size_t len)
{
    while (len > 0) {
        DWORD chunk = len > 65536 ? 65536 : (DWORD)len, written;
        if (!WriteFile(child->stdin_write, data, chunk, &written, NULL))
            return GetLastError();
        data += written;
        len -= written;
    }
    return 0;
}

void sc__child_close_stdin(struct sc_child *child)
{
    sc__close_handle(&child->stdin_write);
}

DWORD sc__child_read_line(struct sc_child *child, char *buf, size_t size)
{
    size_t len = 0;
    char c;
    DWORD got;

    /* One byte at a time: nothing past the line is taken from the pipe, so
     * sc__child_finish() still sees the rest. */
    for (;;) {
        if (!ReadFile(child->stdout_read, &c, 1, &got, NULL) || got == 0)
            return ERROR_HANDLE_EOF;
        if (c == '\n')
            break;
        if (len + 1 >= size)
            return ERROR_INSUFFICIENT_BUFFER;
        buf[len++] = c;
    }
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    return 0;
}

struct drain {
    HANDLE pipe;
    char *data;
    size_t len;
    DWORD error;
};

static DWORD WINAPI drain_pipe(void *arg)
{
    struct drain *d = arg;
    size_t cap = 0;
    char chunk[4096];
    DWORD got;

    while (ReadFile(d->pipe, chunk, sizeof chunk, &got, NULL) && got > 0) {
        if (d->len + got + 1 > cap) {
            size_t new_cap = (d->len + got + 1) * 2;
            char *grown = realloc(d->data, new_cap);
            if (grown == NULL) {
                d->error = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            d->data = grown;
            cap = new_cap;
        }
        memcpy(d->data + d->len, chunk, got);
        d->len += got;
    }
    if (d->error == 0 && d->data == NULL)
        d->data = calloc(1, 1);
    if (d->data != NULL)
        d->data[d->len] = '\0';
    else if (d->error == 0)
        d->error = ERROR_NOT_ENOUGH_MEMORY;
    return 0;
}

/* Waits for the child; one that outlives timeout_ms is terminated, so that
 * a hung child can never hang its parent. */
static DWORD wait_for_exit(struct sc_child *child, DWORD timeout_ms,
                           DWORD *exit_code)
{
    DWORD waited = WaitForSingleObject(child->process, timeout_ms);

    if (waited == WAIT_TIMEOUT) {
        TerminateProcess(child->process, WAIT_TIMEOUT);
        WaitForSingleObject(child->process, INFINITE);
        return WAIT_TIMEOUT;
    }
    if (waited != WAIT_OBJECT_0)
        return GetLastError();
    return GetExitCodeProcess(child->process, exit_code) ? 0 : GetLastError();
}

DWORD sc__child_finish(struct sc_child *child, DWORD timeout_ms,
                       DWORD *exit_code, struct sc_child_output *output)
{
    struct drain drains[2] = {{child->stdout_read, NULL, 0, 0},
                              {child->stderr_read, NULL, 0, 0}};
    HANDLE threads[2] = {NULL, NULL};
    int n = 0;

    sc__child_close_stdin(child);
    for (int i = 0; i < 2; i++) {
        if (drains[i].pipe == NULL)
            continue;
        threads[n] = CreateThread(NULL, 0, drain_pipe, &drains[i], 0, NULL);
        if (threads[n] == NULL)
            drain_pipe(&drains[i]);
        else
            n++;
    }
    DWORD err = wait_for_exit(child, timeout_ms, exit_code);
    if (n > 0)
        WaitForMultipleObjects(n, threads, TRUE, INFINITE);
    for (int i = 0; i < n; i++)
        CloseHandle(threads[i]);
    if (err == 0)
        err = drains[0].error ? drains[0].error : drains[1].error;
    if (output != NULL && err == 0) {
        output->out = drains[0].data;
        output->out_len = drains[0].len;
        output->err = drains[1].data;
        output->err_len = drains[1].len;
    } else {
        free(drains[0].data);
        free(drains[1].data);
    }
    return err;
}

void sc__child_output_free(struct sc_child_output *output)
{
    free(output->out);
    free(output->err);
    memset(output, 0, sizeof *output);
}

void sc__child_close(struct sc_child *child)
{
    sc__close_handle(&child->stdin_write);
    sc__close_handle(&child->stdout_read);
    sc__close_handle(&child->stderr_read);
    sc__close_handle(&child->thread);
    sc__close_handle(&child->process);
}

DWORD sc__program_dir(char *buf, size_t size)
{
    DWORD len = GetModuleFileNameA(NULL, buf, (DWORD)size);

    if (len == 0 || len >= size)
        return ERROR_INSUFFICIENT_BUFFER;
    char *slash = strrchr(buf, '\\');
    if (slash == NULL)
        slash = strrchr(buf, '/');
    if (slash != NULL)
        slash[1] = '\0';
    return 0;
}
