/* counter_demo's processes on Windows: CreateProcessW through
 * child_process.h, all created suspended and then resumed together; see
 * demo.h. */
#include "demo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "options.h"
#include "text_paths.h"

/* How long a process that ended in time gets to hand over its output. */
enum { OUTPUT_GRACE_MS = 10000 };

static void report_error(const char *what, const char *program, DWORD error)
{
    char why[300];
    sc__error("counter_demo", "cannot %s %s: %s", what, program,
              sc__win32_message(error, why, sizeof why));
}

/* Ends the first count processes: they are still suspended, or have just
 * been released, and nothing they did is reported. */
static void stop_all(struct sc_demo_process *processes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        TerminateProcess(processes[i].child.process, 1);
        WaitForSingleObject(processes[i].child.process, OUTPUT_GRACE_MS);
        sc__child_close(&processes[i].child);
    }
}

static DWORD start_one(struct sc_demo_process *p, const char *args)
{
    char *path = sc__program_path(p->program);
    DWORD error = path != NULL ? 0 : GetLastError();

    if (error == 0)
        error = sc__child_start(&p->child, path, args,
                                SC_CHILD_SUSPENDED | SC_CHILD_PIPE_OUTPUT);
    if (error != 0)
        report_error("start", path != NULL ? path : p->program, error);
    p->pid = p->child.pid;
    free(path);
    return error;
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
        DWORD error = sc__child_resume(&processes[i].child);
        if (error != 0) {
            report_error("resume", processes[i].program, error);
            stop_all(processes, count);
            return -1;
        }
    }
    return 0;
}

static DWORD ms_until(uint64_t deadline)
{
    uint64_t now = sc__clock_ms();
    return now < deadline ? (DWORD)(deadline - now) : 0;
}

/* sc__child_finish() kills p at the deadline. */
void sc__demo_collect(const struct sc_demo_plan *plan,
                      struct sc_demo_process *p, uint64_t deadline)
{
    struct sc_child_output output;
    DWORD left = ms_until(deadline);

    /* Past the deadline, one that ended in time still hands over its
     * output. */
    if (left == 0 && WaitForSingleObject(p->child.process, 0) == WAIT_OBJECT_0)
        left = OUTPUT_GRACE_MS;
    DWORD exit_code;
    DWORD error = sc__child_finish(&p->child, left, &exit_code, &output);
    if (error == WAIT_TIMEOUT) {
        p->killed = 1;
        sc__demo_report_killed(plan, p);
    } else if (error != 0) {
        report_error("collect the output of", p->program, error);
    } else {
        sc__demo_ended(p, exit_code, output.out, output.err);
        sc__child_output_free(&output);
    }
    sc__child_close(&p->child);
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
        handles[i] = processes[i].child.process;
    return WaitForMultipleObjects((DWORD)count, handles, TRUE, ms) !=
           WAIT_TIMEOUT;
}
