/*
 * Child processes for the launcher, the benchmark and the tests: start a
 * program (optionally suspended, so that many can be released together),
 * talk to it through pipes, wait for it, collect what it printed.
 */
#ifndef SC_SPAWN_H
#define SC_SPAWN_H

#include <stddef.h>

#include <windows.h>

enum {
    SC_CHILD_SUSPENDED = 1 << 0,   /* created suspended: sc__child_resume() */
    SC_CHILD_PIPE_STDIN = 1 << 1,  /* write to it with sc__child_write() */
    SC_CHILD_PIPE_OUTPUT = 1 << 2, /* capture stdout and stderr */
};

struct sc_child {
    HANDLE process;
    HANDLE thread;
    DWORD pid;
    HANDLE stdin_write; /* NULL unless SC_CHILD_PIPE_STDIN */
    HANDLE stdout_read; /* NULL unless SC_CHILD_PIPE_OUTPUT */
    HANDLE stderr_read; /* NULL unless SC_CHILD_PIPE_OUTPUT */
};

/* What a finished child printed, NUL-terminated; "\r\n" is kept as printed. */
struct sc_child_output {
    char *out;
    size_t out_len;
    char *err;
    size_t err_len;
};

/* Starts program with the command line "program args" (args may be NULL).
 * Returns 0, or the Win32 error code; on error nothing is left open. */
DWORD sc__child_start(struct sc_child *child, const char *program,
                      const char *args, unsigned flags);

/* Lets a child created with SC_CHILD_SUSPENDED run. Returns 0 or an error. */
DWORD sc__child_resume(struct sc_child *child);

/* Writes len bytes to the child's stdin. Returns 0 or an error code. */
DWORD sc__child_write(struct sc_child *child, const char *data, size_t len);

/* Closes the child's stdin, so that it reads end-of-file. */
void sc__child_close_stdin(struct sc_child *child);

/* Reads one line (up to '\n', which is dropped, as is a '\r' before it) of
 * the child's stdout into buf. Returns 0, ERROR_HANDLE_EOF when the child
 * closed stdout first, or ERROR_INSUFFICIENT_BUFFER for a longer line. */
DWORD sc__child_read_line(struct sc_child *child, char *buf, size_t size);

/* Closes stdin, reads stdout and stderr to their ends (both at once, so a
 * chatty child cannot block on a full pipe), and waits up to timeout_ms for
 * the child to exit. Returns 0 with *exit_code set; WAIT_TIMEOUT if it did not
 * exit in time (the child is then terminated); or an error code. output may be
 * NULL; otherwise free it with sc__child_output_free(). */
DWORD sc__child_finish(struct sc_child *child, DWORD timeout_ms,
                       DWORD *exit_code, struct sc_child_output *output);

void sc__child_output_free(struct sc_child_output *output);

/* Closes every handle the child still holds. Safe to call twice. */
void sc__child_close(struct sc_child *child);

/* Writes the folder of the running program, with a trailing backslash, into
 * buf. Returns 0, or ERROR_INSUFFICIENT_BUFFER. */
DWORD sc__program_dir(char *buf, size_t size);

#endif /* SC_SPAWN_H */
