/* For test programs that re-launch themselves as worker processes. */
#ifndef SC_SELF_SPAWN_H
#define SC_SELF_SPAWN_H

#include <windows.h>

#include "spawn.h"

/* Starts this very program with the command-line arguments args; see
 * sc__child_start() for flags and the return value. */
DWORD sc__spawn_self(struct sc_child *child, const char *args, unsigned flags);

/* In a worker: tells the parent, on stdout, that it is ready to begin.
 * Returns 0 or a Win32 error code. */
DWORD sc__say_ready(void);

/* In the parent: waits for a child started with SC_CHILD_PIPE_OUTPUT to say
 * it is ready. Returns 0, or an error code if it said anything else or
 * ended first. */
DWORD sc__child_wait_ready(struct sc_child *child);

/* A manual-reset event that lets many workers begin at one moment. The
 * parent creates it and hands the name to its workers on the command line. */
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

#endif /* SC_SELF_SPAWN_H */
