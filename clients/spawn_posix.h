/*
 * Programs started behind a gate and waited for until a deadline, on
 * POSIX systems: what counter_demo and the harness of the tests and the
 * benchmark (tests/support/child_process_posix.c) share.
 */
#ifndef SC_SPAWN_POSIX_H
#define SC_SPAWN_POSIX_H

#include <stdint.h>
#include <sys/types.h>

/* Starts program (a path) with args (NULL-terminated, without argv[0]),
 * its stdout and stderr on the descriptors out and err, its stdin on
 * /dev/null. With gate (a pipe's read end; -1 for none) it waits, before
 * its program even starts, until the gate's write ends are all closed: a
 * shell reads the gate to its end of file, then becomes the program, with
 * the same pid. Every descriptor of the caller should be close-on-exec, so
 * that the program inherits these three alone. Returns 0 or an errno
 * value. */
int sc__spawn(pid_t *pid, const char *program, const char *const args[],
              int gate, int out, int err);

/* Waits for pid until deadline_ms (sc__clock_ms()). Returns 0 with
 * *exit_code set (128 + the signal for a process a signal ended),
 * ETIMEDOUT, or an errno value. */
int sc__wait_exit(pid_t pid, uint64_t deadline_ms, int *exit_code);

#endif /* SC_SPAWN_POSIX_H */
