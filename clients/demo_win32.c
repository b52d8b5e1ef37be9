/* counter_demo's processes on Windows: each created suspended, with its
 * stdout and stderr on pipes of its own, then all resumed together; see
 * demo.h. */
#include "demo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "options.h"
#include "text_paths.h"

/* A worker prints a line or two: each pipe holds all of it, so the demo
 * reads the pipes once the process has ended. */
enum { PIPE_BUFFER = 65536, KILL_WAIT_MS = 10000 };

struct sc_demo_child {
    HANDLE process;
    HANDLE thread;
    HANDLE out, err; /* our ends of its stdout and stderr */
};

static void report_error(const char *what, const char *program, DWORD error)
{
    char why[300];
    sc__error("counter_demo", "cannot %s %s: %s", what, program,
              sc__win32_message(error, why, sizeof why));
}

static void close_child(struct sc_demo_process *p)
{
    if (p->child == NULL)
        return;
    sc__close_handle(&p->child->process);
    sc__close_handle(&p->child->thread);
    sc__close_handle(&p->child->out);
    sc__close_handle(&p->child->err);
    free(p->child);
    p->child = NULL;
}

/* An inheritable end for the child: NUL as its stdin (ours NULL), or the
 * write end of a pipe whose read end, ours, stays here. */
static DWORD make_end(HANDLE *its, HANDLE *ours)
{
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};

    if (ours == NULL) {
        *its = CreateFileW(L"NUL", GENERIC_READ,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                           OPEN_EXISTING, 0, NULL);
        return *its != INVALID_HANDLE_VALUE ? 0 : GetLastError();
    }
    if (!CreatePipe(ours, its, &inherit, PIPE_BUFFER))
        return GetLastError();
    return SetHandleInformation(*ours, HANDLE_FLAG_INHERIT, 0) ? 0
                                                               : GetLastError();
}

/* "path" args, in UTF-16, or NULL. */
static wchar_t *command_line_of(const char *path, const char *args)
{
    size_t size = strlen(path) + strlen(args) + 4;
    char *line = malloc(size);
    wchar_t *wide = NULL;

    if (line != NULL) {
        snprintf(line, size, "\"%s\" %s", path, args);
        wide = sc__wide_from_utf8(line);
        free(line);
    }
    return wide;
}

/* The handle list lets the child inherit exactly its three ends, and not,
 * say, the pipes through which this process itself was started. The path
 * goes to CreateProcessW in its long ("\\?\") form where it needs it. */
static DWORD create(struct sc_demo_child *child, const char *path,
                    const char *args, HANDLE ends[3])
{
    STARTUPINFOEXW si = {.StartupInfo = {.cb = sizeof si,
                                         .dwFlags = STARTF_USESTDHANDLES,
                                         .hStdInput = ends[0],
                                         .hStdOutput = ends[1],
                                         .hStdError = ends[2]}};
    PROCESS_INFORMATION pi;
    SIZE_T list_size = 0;
    wchar_t *application = sc__wide_path(path);
    DWORD err = application != NULL ? 0 : GetLastError();
    wchar_t *command_line = err == 0 ? command_line_of(path, args) : NULL;

    if (err == 0 && command_line == NULL)
        err = ERROR_NOT_ENOUGH_MEMORY;
    InitializeProcThreadAttributeList(NULL, 1, 0, &list_size);
    if (err == 0 && (si.lpAttributeList = malloc(list_size)) == NULL)
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (err == 0 && !InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0,
                                                       &list_size)) {
        err = GetLastError();
        free(si.lpAttributeList);
        si.lpAttributeList = NULL;
    }
    if (err == 0 &&
        (!UpdateProcThreadAttribute(si.lpAttributeList, 0,
                                    PROC_THREAD_ATTRIBUTE_HANDLE_LIST, ends,
                                    3 * sizeof(HANDLE), NULL, NULL) ||
         !CreateProcessW(application, command_line, NULL, NULL, TRUE,
                         CREATE_SUSPENDED | EXTENDED_STARTUPINFO_PRESENT, NULL,
                         NULL, &si.StartupInfo, &pi)))
        err = GetLastError();
    if (err == 0)
        *child = (struct sc_demo_child){pi.hProcess, pi.hThread, NULL, NULL};
    if (si.lpAttributeList != NULL) {
        DeleteProcThreadAttributeList(si.lpAttributeList);
        free(si.lpAttributeList);
    }
    free(command_line);
    free(application);
    return err;
}

static DWORD start_one(struct sc_demo_process *p, const char *args)
{
    char *path = sc__program_path(p->program);
    HANDLE ends[3] = {NULL, NULL, NULL}, out = NULL, err_read = NULL;
    DWORD error = path != NULL ? 0 : GetLastError();

    p->child = calloc(1, sizeof *p->child);
    if (error == 0 && p->child == NULL)
        error = ERROR_NOT_ENOUGH_MEMORY;
    if (error == 0)
        error = make_end(&ends[0], NULL);
    if (error == 0)
        error = make_end(&ends[1], &out);
    if (error == 0)
        error = make_end(&ends[2], &err_read);
    if (error == 0)
        error = create(p->child, path, args, ends);
    for (int i = 0; i < 3; i++)
        sc__close_handle(&ends[i]);
    if (error == 0) {
        p->child->out = out;
        p->child->err = err_read;
        p->pid = GetProcessId(p->child->process);
    } else {
        sc__close_handle(&out);
        sc__close_handle(&err_read);
        close_child(p);
        report_error("start", path != NULL ? path : p->program, error);
    }
    free(path);
    return error;
}

/* Ends the first count processes: they are still suspended, or have just
 * been released, and nothing they did is reported. */
static void stop_all(struct sc_demo_process *processes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        TerminateProcess(processes[i].child->process, 1);
        WaitForSingleObject(processes[i].child->process, KILL_WAIT_MS);
        close_child(&processes[i]);
    }
}

/* Every process is created suspended, then all are resumed. */
int sc__demo_start_all(const struct sc_demo_plan *plan,
                       struct sc_demo_process *processes, size_t count)
{
    char args[80];

    snprintf(args, sizeof args, "--times %" PRId64 " --delta %" PRId64,
             plan->times, plan->delta);
    for (size_t i = 0; i < count; i++) {
        if (start_one(&processes[i], args) != 0) {
            stop_all(processes, i);
            return -1;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (ResumeThread(processes[i].child->thread) == (DWORD)-1) {
            report_error("resume", processes[i].program, GetLastError());
            stop_all(processes, count);
            return -1;
        }
    }
    return 0;
}

/* What a pipe held when its writer ended, as a string for free(). */
static DWORD read_all(HANDLE pipe, char **text)
{
    size_t len = 0, cap = 0;
    DWORD got, error = 0;

    *text = NULL;
    while (error == 0) {
        if (cap - len < PIPE_BUFFER + 1) {
            char *grown = realloc(*text, cap = len + 2 * PIPE_BUFFER);
            if (grown == NULL) {
                error = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            *text = grown;
        }
        if (ReadFile(pipe, *text + len, PIPE_BUFFER, &got, NULL))
            len += got;
        else
            error = GetLastError();
    }
    /* The writer has closed its end: the pipe is empty, nothing failed. */
    if (error == ERROR_BROKEN_PIPE) {
        (*text)[len] = '\0';
        return 0;
    }
    free(*text);
    *text = NULL;
    return error;
}

static DWORD ms_until(uint64_t deadline)
{
    uint64_t now = sc__clock_ms();
    return now < deadline ? (DWORD)(deadline - now) : 0;
}

/* One that ended in time still hands over its output past the deadline. */
void sc__demo_collect(const struct sc_demo_plan *plan,
                      struct sc_demo_process *p, uint64_t deadline)
{
    struct sc_demo_child *child = p->child;
    char *out = NULL, *err = NULL;
    DWORD exit_code, error = 0;

    if (WaitForSingleObject(child->process, ms_until(deadline)) !=
        WAIT_OBJECT_0) {
        TerminateProcess(child->process, WAIT_TIMEOUT);
        WaitForSingleObject(child->process, KILL_WAIT_MS);
        p->killed = 1;
        sc__demo_report_killed(plan, p);
        close_child(p);
        return;
    }
    if (!GetExitCodeProcess(child->process, &exit_code))
        error = GetLastError();
    if (error == 0)
        error = read_all(child->out, &out);
    if (error == 0)
        error = read_all(child->err, &err);
    if (error != 0)
        report_error("collect the output of", p->program, error);
    else
        sc__demo_ended(p, exit_code, out, err);
    free(out);
    free(err);
    close_child(p);
}

int sc__demo_line_width(void)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    CONSOLE_SCREEN_BUFFER_INFO info;

    if (!sc__is_console(out))
        return 0;
    if (!GetConsoleScreenBufferInfo(out, &info))
        return 80;
    return info.srWindow.Right - info.srWindow.Left + 1;
}

/* The demo runs at most 2 * 32 processes, as many as one wait takes. */
int sc__demo_all_ended(const struct sc_demo_process *processes, size_t count,
                       unsigned ms)
{
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];

    if (count > MAXIMUM_WAIT_OBJECTS)
        return 1;
    for (size_t i = 0; i < count; i++)
        handles[i] = processes[i].child->process;
    return WaitForMultipleObjects((DWORD)count, handles, TRUE, ms) !=
           WAIT_TIMEOUT;
}
