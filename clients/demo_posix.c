/* counter_demo's processes on POSIX systems: posix_spawn, every process
 * held behind one gate until all are started (spawn_posix.h), its stdout
 * and stderr on pipes of its own; and the terminal of the live line; see
 * demo.h. */
#define _GNU_SOURCE

#include "demo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "options.h"
#include "spawn_posix.h"
#include "text_paths.h"

enum { READ_CHUNK = 4096 };

struct sc_demo_child {
    pid_t pid;
    int out, err; /* our ends of its stdout and stderr */
};

static void report_error(const char *what, const char *program, int error)
{
    sc__error("counter_demo", "cannot %s %s: %s", what, program,
              strerror(error));
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Lets go of p's process: kills it and waits for it unless it has been
 * waited for already (pid 0). */
static void release(struct sc_demo_process *p)
{
    if (p->child->pid > 0) {
        kill(p->child->pid, SIGKILL);
        while (waitpid(p->child->pid, NULL, 0) < 0 && errno == EINTR)
            continue;
    }
    close_fd(&p->child->out);
    close_fd(&p->child->err);
    free(p->child);
    p->child = NULL;
}

static int start_one(struct sc_demo_process *p, const char *const args[],
                     int gate)
{
    char *path = sc__program_path(p->program);
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    int error = path != NULL ? 0 : errno;

    p->child = calloc(1, sizeof *p->child);
    if (error == 0 && p->child == NULL)
        error = ENOMEM;
    if (error == 0 &&
        (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0))
        error = errno;
    if (error == 0)
        error = sc__spawn(&p->child->pid, path, args, gate, out[1], err[1]);
    close_fd(&out[1]);
    close_fd(&err[1]);
    if (error == 0) {
        p->child->out = out[0];
        p->child->err = err[0];
        p->pid = (unsigned long)p->child->pid;
    } else {
        close_fd(&out[0]);
        close_fd(&err[0]);
        free(p->child);
        p->child = NULL;
        report_error("start", path != NULL ? path : p->program, error);
    }
    free(path);
    return error;
}

/* Closing the gate's open end releases every process at once. */
int sc__demo_start_all(const struct sc_demo_plan *plan,
                       struct sc_demo_process *processes, size_t count)
{
    char times[24], delta[24];
    const char *const args[] = {"--times", times, "--delta", delta, NULL};
    int gate[2];
    int error = pipe2(gate, O_CLOEXEC) != 0 ? errno : 0;
    size_t started = 0;

    snprintf(times, sizeof times, "%" PRId64, plan->times);
    snprintf(delta, sizeof delta, "%" PRId64, plan->delta);
    if (error != 0) {
        report_error("make", "the gate", error);
        return -1;
    }
    while (error == 0 && started < count)
        error = start_one(&processes[started++], args, gate[0]);
    if (error != 0)
        /* Killed behind the gate, before their programs ever ran. */
        for (size_t i = 0; i + 1 < started; i++)
            release(&processes[i]);
    close(gate[1]);
    close(gate[0]);
    return error == 0 ? 0 : -1;
}

/* What a pipe held when its writer ended, as a string for free(). A
 * worker prints a line or two: the pipe holds all of it, so the demo reads
 * it once the process has ended. */
static int read_all(int fd, char **text)
{
    size_t len = 0, cap = 0;
    ssize_t got = 1;

    *text = NULL;
    while (got != 0) {
        if (cap - len < READ_CHUNK + 1) {
            char *grown = realloc(*text, cap = len + 2 * READ_CHUNK);
            if (grown == NULL) {
                free(*text);
                return ENOMEM;
            }
            *text = grown;
        }
        got = read(fd, *text + len, READ_CHUNK);
        if (got < 0 && errno != EINTR) {
            free(*text);
            return errno;
        }
        if (got > 0)
            len += (size_t)got;
    }
    (*text)[len] = '\0';
    return 0;
}

void sc__demo_collect(const struct sc_demo_plan *plan,
                      struct sc_demo_process *p, uint64_t deadline)
{
    char *out = NULL, *err = NULL;
    int exit_code = 0;
    int error = sc__wait_exit(p->child->pid, deadline, &exit_code);

    if (error == 0)
        p->child->pid = 0;
    if (error == ETIMEDOUT) {
        p->killed = 1;
        sc__demo_report_killed(plan, p);
        release(p);
        return;
    }
    if (error == 0)
        error = read_all(p->child->out, &out);
    if (error == 0)
        error = read_all(p->child->err, &err);
    if (error != 0)
        report_error("collect the output of", p->program, error);
    else
        sc__demo_ended(p, (unsigned long)exit_code, out, err);
    free(out);
    free(err);
    release(p);
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
    for (size_t i = 0; i < count; i++)
        if (!has_ended(processes[i].child->pid)) {
            sc__sleep_ms(ms);
            return 0;
        }
    return 1;
}
