/* counter_demo's processes on POSIX systems: posix_spawn through
 * child_process.h, every process held behind one gate until all are started,
 * and the terminal of the live line; see demo.h. */
#define _GNU_SOURCE

#include "demo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "text_paths.h"

static void report_error(const char *what, const char *program, int error)
{
    sc__error("counter_demo", "cannot %s %s: %s", what, program,
              strerror(error));
}

static int start_one(struct sc_demo_process *p, const char *const args[],
                     const struct sc_gate *gate)
{
    char *path = sc__program_path(p->program);
    int error =
        path != NULL ? sc__child_start(&p->child, path, args, gate) : errno;

    if (error != 0)
        report_error("start", path != NULL ? path : p->program, error);
    p->pid = (unsigned long)p->child.pid;
    free(path);
    return error;
}

/* Closing the gate's last open end releases every process at once. */
int sc__demo_start_all(const struct sc_demo_plan *plan,
                       struct sc_demo_process *processes, size_t count)
{
    char times[24], delta[24];
    const char *const args[] = {"--times", times, "--delta", delta, NULL};
    struct sc_gate gate;
    int error = sc__gate_make(&gate);
    size_t started = 0;

    snprintf(times, sizeof times, "%" PRId64, plan->times);
    snprintf(delta, sizeof delta, "%" PRId64, plan->delta);
    if (error != 0)
        report_error("make", "the gate", error);
    while (error == 0 && started < count)
        error = start_one(&processes[started++], args, &gate);
    if (error != 0)
        /* Killed behind the gate, before their programs ever ran. */
        for (size_t i = 0; i < started; i++)
            sc__child_kill(&processes[i].child);
    sc__gate_open(&gate);
    sc__gate_close(&gate);
    return error == 0 ? 0 : -1;
}

void sc__demo_collect(const struct sc_demo_plan *plan,
                      struct sc_demo_process *p, uint64_t deadline)
{
    struct sc_child_output output;
    int exit_code;
    int error = sc__child_finish(&p->child, deadline, &exit_code, &output);

    if (error == ETIMEDOUT) {
        p->killed = 1;
        sc__demo_report_killed(plan, p);
    } else if (error != 0) {
        report_error("collect the output of", p->program, error);
    } else {
        sc__demo_ended(p, (unsigned long)exit_code, output.out, output.err);
        sc__child_output_free(&output);
    }
}

int sc__demo_line_width(void)
{
    struct winsize size;

    if (!isatty(STDOUT_FILENO))
        return 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0)
        return 80;
    return size.ws_col;
}

/* WNOWAIT leaves an ended process to be collected by sc__demo_collect(). */
static int has_ended(pid_t pid)
{
    siginfo_t info = {0};

    return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
           info.si_pid != 0;
}

int sc__demo_all_ended(const struct sc_demo_process *processes, size_t count,
                       unsigned ms)
{
    struct timespec pause = {ms / 1000, (long)(ms % 1000) * 1000000};

    for (size_t i = 0; i < count; i++)
        if (!has_ended(processes[i].child.pid)) {
            nanosleep(&pause, NULL);
            return 0;
        }
    return 1;
}
