/*
 * The body of every counter client. A program says where its counter lives
 * (struct sc_client); sc__client_main() does the rest: options, --help, the
 * interactive command loop (see command.h) or the batch run.
 *
 *   interactive  reads commands from stdin, prints "counter: <value>" after
 *                each; exit 0 if every line was accepted, 1 if any was not.
 *   batch        "--times N --delta D": adds D, N times, then prints the
 *                last value it saw; exit 0.
 *   bad usage    exit 2.
 */
#ifndef SC_CLIENT_H
#define SC_CLIENT_H

#include <stdint.h>

/* The counter a client works on. */
struct sc_counter_ops {
    int64_t (*add)(int64_t delta); /* atomic; returns the new value */
    int64_t (*get)(void);
};

struct sc_client {
    const char *name;    /* in messages and --help */
    const char *counter; /* what is counted, for --help: "the counter in ..." */
    int batch_only;      /* no interactive mode (counter_worker) */
    /* Sets up *ops once the arguments are known to be good. Returns 0, or
     * non-zero after reporting on stderr why the counter is unavailable. */
    int (*connect)(struct sc_counter_ops *ops);
};

/* Runs the client; returns the process exit code. */
int sc__client_main(const struct sc_client *client, int argc, char **argv);

/* Runs the interactive command loop on stdin; returns the exit code. */
int sc__run_commands(const struct sc_client *client,
                     const struct sc_counter_ops *ops);

#endif /* SC_CLIENT_H */
