/* Who a process is, for the process table: its id and its start time, which
 * /proc/<pid>/stat gives in clock ticks since boot. A new process that gets
 * the id of an ended one has a later start time. */
#define _POSIX_C_SOURCE 200809L

#include "process_table.h"
#include "shared_section.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Reads the state letter and the start time (fields 3 and 22). The command
 * name, field 2, may hold spaces and parentheses, so the fields are counted
 * from the last ')'. Returns 0 or an errno value. */
static int read_stat(uint32_t pid, char *state, uint64_t *start)
{
    char path[32], text[1024];

    snprintf(path, sizeof path, "/proc/%" PRIu32 "/stat", pid);
    int fd = sc__open_above_stdio(path, O_RDONLY);
    if (fd < 0)
        return errno;
    ssize_t got = read(fd, text, sizeof text - 1);
    int err = got < 0 ? errno : 0;
    close(fd);
    if (err != 0)
        return err;
    text[got] = '\0';
    const char *fields = strrchr(text, ')');
    /* Skips fields 4 to 21 after the state letter. */
    if (fields == NULL ||
        sscanf(fields + 1,
               " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
               "%*d %*d %*d %*d %" SCNu64,
               state, start) != 2)
        return EPROTO;
    return 0;
}

uint32_t sc__process_pid(void)
{
    return (uint32_t)getpid();
}

int sc__process_self(struct sc_process_id *self)
{
    char state;

    self->pid = (uint32_t)getpid();
    return read_stat(self->pid, &state, &self->created);
}

/* Only the kernel's answer to kill() says that no process has the id: a
 * /proc/<pid>/stat that cannot be read may be a /proc that is not mounted
 * here. A zombie has ended: only its parent has yet to collect its
 * status. */
enum sc_liveness sc__process_query(uint32_t pid, uint64_t *created)
{
    char state;

    if (pid == 0 || pid > INT32_MAX ||
        (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
        return SC_GONE;
    if (read_stat(pid, &state, created) != 0)
        return SC_UNKNOWN;
    return state == 'Z' || state == 'X' ? SC_GONE : SC_RUNNING;
}
