/*
 * Child processes for the tests and the benchmark: start a program, talk
 * to it through pipes, wait for it, collect what it printed; what both
 * systems offer alike comes first.
 *
 * On Windows (child_process_win32.c) a program starts with CreateProcessW,
 * optionally suspended so that many can be released together, and talks
 * through overlapped pipes, with a timeout on every wait; every path and
 * argument is UTF-8 (text_paths.h). The test program or benchmark
 * re-launched as its own worker, in a job that kills it when its parent
 * ends, released with its siblings through a start gate, is
 * workers_win32.c. On POSIX systems (child_process_posix.c) a program
 * starts with posix_spawn, optionally behind a gate, and its stdout and
 * stderr are read with poll() until a deadline.
 */
#ifndef SC_CHILD_PROCESS_H
#define SC_CHILD_PROCESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <sys/types.h>
#endif

#include "clock.h"
#include "text_paths.h"

/* What a finished child printed, NUL-terminated; on Windows "\r\n" is kept
 * as printed. */
struct sc_child_output {
    char *out;
    size_t out_len;
    char *err;
    size_t err_len;
};

static inline void sc__child_output_free(struct sc_child_output *output)
{
    free(output->out);
    free(output->err);
    memset(output, 0, sizeof *output);
}

#if defined(_WIN32)

enum {
    SC_CHILD_SUSPENDED = 1 << 0,   /* created suspended: sc__child_resume() */
    SC_CHILD_PIPE_STDIN = 1 << 1,  /* write to it with sc__child_write() */
    SC_CHILD_PIPE_OUTPUT = 1 << 2, /* capture stdout and stderr */
    /* No console and no standard handles (INVALID_HANDLE_VALUE), as a
     * service or a program started from a window may run; not with the
     * pipes. */
    SC_CHILD_DETACHED = 1 << 3,
    /* Started in its program's folder instead of this process's current
     * one, where Windows would also look for the DLLs it loads. */
    SC_CHILD_IN_ITS_FOLDER = 1 << 4,
    /* In a console of its own without a window (CREATE_NO_WINDOW, which
     * needs no display), its standard handles that console's, for a
     * process that attaches to it (AttachConsole); not with the pipes. */
    SC_CHILD_OWN_CONSOLE = 1 << 5,
    /* stdin is this process's console, which this process can type into
     * (WriteConsoleInputW); not with SC_CHILD_PIPE_STDIN. */
    SC_CHILD_CONSOLE_STDIN = 1 << 6,
};

/* How long sc__child_write() and sc__child_read_line() wait for a child
 * before they give up with WAIT_TIMEOUT. */
enum { SC_CHILD_IO_TIMEOUT_MS = 60000 };

struct sc__child_io; /* the pipes' buffers and operations in progress */

struct sc_child {
    HANDLE process;
    HANDLE thread;
    DWORD pid;
    HANDLE stdin_write; /* NULL unless SC_CHILD_PIPE_STDIN */
    HANDLE stdout_read; /* NULL unless SC_CHILD_PIPE_OUTPUT */
    HANDLE stderr_read; /* NULL unless SC_CHILD_PIPE_OUTPUT */
    struct sc__child_io *io;
};

/* Starts program with the command line "program args" (args may be NULL).
 * Returns 0, or the Win32 error code; on error nothing is left open. */
DWORD sc__child_start(struct sc_child *child, const char *program,
                      const char *args, unsigned flags);

/* Lets a child created with SC_CHILD_SUSPENDED run. Returns 0 or an error. */
DWORD sc__child_resume(struct sc_child *child);

/* Writes len bytes to the child's stdin, reading its output meanwhile into
 * a buffer (so a child that stops reading to write cannot block us both).
 * Returns 0, an error code, or WAIT_TIMEOUT if the child took more than
 * SC_CHILD_IO_TIMEOUT_MS to take the data (what was left is dropped). */
DWORD sc__child_write(struct sc_child *child, const char *data, size_t len);

/* Closes the child's stdin, so that it reads end-of-file. */
void sc__child_close_stdin(struct sc_child *child);

/* Reads one line (up to '\n', which is dropped, as is a '\r' before it) of
 * the child's stdout into buf. Returns 0, ERROR_HANDLE_EOF when the child
 * closed stdout first, ERROR_INSUFFICIENT_BUFFER for a longer line,
 * WAIT_TIMEOUT after SC_CHILD_IO_TIMEOUT_MS, or the error of a failed read.
 * What follows the line stays for the next read or sc__child_finish(). */
DWORD sc__child_read_line(struct sc_child *child, char *buf, size_t size);

/* Writes what is left of the input, closes stdin, reads stdout and stderr
 * to their ends (both at once, so a chatty child cannot block on a full
 * pipe), and waits for the child to exit, all within timeout_ms (INFINITE:
 * no limit). Returns 0 with *exit_code set; WAIT_TIMEOUT if the child did
 * not finish in time (it is then terminated); or the error code of a failed
 * read or wait. output may be NULL; otherwise it is zeroed first, filled
 * only on success, and freed with sc__child_output_free(). */
DWORD sc__child_finish(struct sc_child *child, DWORD timeout_ms,
                       DWORD *exit_code, struct sc_child_output *output);

/* Closes every handle the child still holds, after cancelling any pipe
 * operation in progress. Safe to call twice. */
void sc__child_close(struct sc_child *child);

/* ---- workers: workers_win32.c ------------------------------------------- */

/* Starts program (a path) with args, as sc__child_start() does, in a job
 * object that kills it when this program ends, however it ends: a failed
 * assertion or a timeout leaves no child behind, waiting or running. This
 * program joins the job before its first child starts, so every child is
 * in it from its creation on, and so is every process started after that,
 * by any means. Returns 0 or a Win32 error code. */
DWORD sc__child_start_in_job(struct sc_child *child, const char *program,
                             const char *args, unsigned flags);

/* Puts this program, and so every child it starts from now on, into the
 * job of sc__child_start_in_job(), for children started otherwise
 * (CreateProcessW with a console of its own). Returns 0 or a Win32 error
 * code. */
DWORD sc__kill_children_on_exit(void);

/* sc__child_start_in_job() for this very program. */
DWORD sc__child_start_self(struct sc_child *child, const char *args,
                           unsigned flags);

/* In a worker: tells the parent, on stdout, that it is ready to begin.
 * Returns 0 or a Win32 error code. */
DWORD sc__say_ready(void);

/* In the parent: waits for a child started with SC_CHILD_PIPE_OUTPUT to say
 * it is ready. Returns 0, or an error code if it said anything else or
 * ended first. */
DWORD sc__child_wait_ready(struct sc_child *child);

/* A manual-reset event that lets many workers begin at one moment. The
 * parent creates it, hands the name to its workers on the command line, and
 * opens it once every worker has said it is ready. */
struct sc_start_gate {
    HANDLE event;
    char name[64];
};

/* Creates a closed gate with a name unique to this process and tag.
 * Returns 0 or a Win32 error code. */
DWORD sc__gate_create(struct sc_start_gate *gate, const char *tag);

/* In a worker: waits until the gate named name opens. Returns 0 or an
 * error code. */
DWORD sc__gate_wait(const char *name);

/* Writes the folder of the running program (UTF-8), with a trailing
 * backslash, into buf. Returns 0, or ERROR_INSUFFICIENT_BUFFER. */
DWORD sc__program_dir(char *buf, size_t size);

#else /* POSIX */

/* Children started behind a gate wait, before their program even starts,
 * until the gate is opened; opening it releases them all at once. */
struct sc_gate {
    int wait_end; /* each waiting child reads it until end of file */
    int open_end; /* closing it is the release */
};

struct sc_child {
    pid_t pid;
    int out; /* its stdout and stderr, read by us; -1 once closed */
    int err;
};

/* Return 0, or an errno value; on error nothing is left open. */
int sc__gate_make(struct sc_gate *gate);
void sc__gate_open(struct sc_gate *gate);
void sc__gate_close(struct sc_gate *gate);

/* Starts program (a path) with the arguments args (NULL-terminated, without
 * argv[0]), its stdin on /dev/null, stdout and stderr on pipes; behind gate
 * unless gate is NULL. Returns 0 or an errno value. */
int sc__child_start(struct sc_child *child, const char *program,
                    const char *const args[], const struct sc_gate *gate);

/* Reads stdout and stderr to their ends (both at once, so that a chatty
 * child cannot block on a full pipe) and waits for the child, all until
 * deadline_ms (sc__clock_ms()). Returns 0 with *exit_code set (128 + the
 * signal for a child a signal ended); ETIMEDOUT when the child was not done
 * by then (it is then killed); or an errno value. output is filled only on
 * success, and freed with sc__child_output_free(). */
int sc__child_finish(struct sc_child *child, uint64_t deadline_ms,
                     int *exit_code, struct sc_child_output *output);

/* Kills a child that has not been finished, and waits for it. */
void sc__child_kill(struct sc_child *child);

#endif

#endif /* SC_CHILD_PROCESS_H */
