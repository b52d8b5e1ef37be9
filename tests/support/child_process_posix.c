/* Child processes on POSIX systems; see child_process.h. */
#define _GNU_SOURCE

#include "child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn_posix.h"

enum { READ_CHUNK = 65536 };

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int sc__gate_make(struct sc_gate *gate)
{
    int ends[2];

    /* Close-on-exec: no child may hold the end whose closing releases. */
    if (pipe2(ends, O_CLOEXEC) != 0)
        return errno;
    gate->wait_end = ends[0];
    gate->open_end = ends[1];
    return 0;
}

void sc__gate_open(struct sc_gate *gate)
{
    close_fd(&gate->open_end);
}

void sc__gate_close(struct sc_gate *gate)
{
    close_fd(&gate->wait_end);
    close_fd(&gate->open_end);
}

int sc__child_start(struct sc_child *child, const char *program,
                    const char *const args[], const struct sc_gate *gate)
{
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    int error = 0;

    child->pid = 0;
    child->out = child->err = -1;
    /* Close-on-exec, so that a child inherits only its own ends. */
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
        error = errno;
    if (error == 0)
        error = sc__spawn(&child->pid, program, args,
                          gate != NULL ? gate->wait_end : -1, out[1], err[1]);
    close_fd(&out[1]);
    close_fd(&err[1]);
    if (error != 0) {
        close_fd(&out[0]);
        close_fd(&err[0]);
        return error;
    }
    child->out = out[0];
    child->err = err[0];
    return 0;
}

static int ms_until(uint64_t deadline_ms)
{
    uint64_t now = sc__clock_ms();

    if (now >= deadline_ms)
        return 0;
    return deadline_ms - now > INT32_MAX ? INT32_MAX : (int)(deadline_ms - now);
}

struct text {
    char *data;
    size_t len, cap;
};

/* Reads what fd has into text; at the end of file closes fd. */
static int take(int *fd, struct text *text)
{
    if (text->cap - text->len <= READ_CHUNK) {
        size_t cap = 2 * (text->len + READ_CHUNK + 1);
        char *grown = realloc(text->data, cap);
        if (grown == NULL)
            return ENOMEM;
        text->data = grown;
        text->cap = cap;
    }
    ssize_t got = read(*fd, text->data + text->len, READ_CHUNK);
    if (got < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : errno;
    if (got == 0)
        close_fd(fd);
    text->len += (size_t)got;
    text->data[text->len] = '\0';
    return 0;
}

static int read_outputs(struct sc_child *child, uint64_t deadline_ms,
                        struct text texts[2])
{
    int *fds[2] = {&child->out, &child->err};

    while (child->out >= 0 || child->err >= 0) {
        struct pollfd polled[2] = {{.fd = child->out, .events = POLLIN},
                                   {.fd = child->err, .events = POLLIN}};
        int ready = poll(polled, 2, ms_until(deadline_ms));
        if (ready < 0 && errno != EINTR)
            return errno;
        if (ready == 0)
            return ETIMEDOUT;
        for (int i = 0; i < 2 && ready > 0; i++) {
            int error = polled[i].revents != 0 ? take(fds[i], &texts[i]) : 0;
            if (error != 0)
                return error;
        }
    }
    return 0;
}

int sc__child_finish(struct sc_child *child, uint64_t deadline_ms,
                     int *exit_code, struct sc_child_output *output)
{
    struct text texts[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    int error = read_outputs(child, deadline_ms, texts);

    /* The outputs end as the child exits; it is reaped soon after. */
    if (error == 0)
        error = sc__wait_exit(child->pid, deadline_ms, exit_code);
    if (error == 0)
        child->pid = 0;
    for (int i = 0; i < 2 && error == 0; i++)
        if (texts[i].data == NULL && (texts[i].data = calloc(1, 1)) == NULL)
            error = ENOMEM; /* no byte came, yet it is a string */
    if (error != 0) {
        free(texts[0].data);
        free(texts[1].data);
        sc__child_kill(child);
        return error;
    }
    *output = (struct sc_child_output){texts[0].data, texts[0].len,
                                       texts[1].data, texts[1].len};
    return 0;
}

void sc__child_kill(struct sc_child *child)
{
    if (child->pid > 0) {
        kill(child->pid, SIGKILL);
        while (waitpid(child->pid, NULL, 0) < 0 && errno == EINTR)
            continue;
        child->pid = 0;
    }
    close_fd(&child->out);
    close_fd(&child->err);
}
