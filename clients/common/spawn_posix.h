/*
 * Child processes on POSIX systems, for counter_demo: posix_spawn a program
 * from this program's folder, optionally held behind a gate until many are
 * started, read its stdout and stderr with poll() until a deadline, and
 * wait for it. spawn.h is the Windows counterpart, with more in it.
 */
#ifndef SC_SPAWN_POSIX_H
#define SC_SPAWN_POSIX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a program's file name ends with. */
#define SC_EXE_SUFFIX ""

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

/* What a finished child printed, NUL-terminated. */
struct sc_child_output {
    char *out;
    size_t out_len;
    char *err;
    size_t err_len;
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
 * deadline_ms (sc__now_ms()). Returns 0 with *exit_code set (128 + the
 * signal for a child a signal ended); ETIMEDOUT when the child was not done
 * by then (it is then killed); or an errno value. output is filled only on
 * success, and freed with sc__child_output_free(). */
int sc__child_finish(struct sc_child *child, uint64_t deadline_ms,
                     int *exit_code, struct sc_child_output *output);

/* Kills a child that has not been finished, and waits for it. */
void sc__child_kill(struct sc_child *child);

void sc__child_output_free(struct sc_child_output *output);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t sc__now_ms(void);

/* The full path of file in the running program's folder, in a new string
 * for free(), or NULL (see errno). */
char *sc__program_path(const char *file);

#endif /* SC_SPAWN_POSIX_H */
