/*
 * The client runner: all a counter client does besides naming its calls.
 * It parses the command line, reads one command per line on stdin (the
 * language is in runner.c's help), makes the call each asks for and
 * prints "counter: <value>", with " (+N from other processes)" when other
 * processes changed the counter since the line before:
 *
 *     struct sc_client client = {"counter_client", "the counter in ..."};
 *     const struct sc_counter_calls calls = {sc_get, sc_add, sc_exchange,
 *                                            sc_version};
 *     return sc__client_main(&client, &calls, argc, argv);
 *
 * Pipes and files are read as bytes; a Windows console as the characters
 * typed, in UTF-8, where Ctrl+Z at the start of a line ends the input.
 */
#ifndef SC_RUNNER_H
#define SC_RUNNER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "options.h"

#define SC_VALUE_PREFIX "counter: "

/* The library's file, and the --help text of its clients. */
#if defined(_WIN32)
#define SC_LIBRARY_NAME "sharedcounter.dll"
#define SC_DLL_COUNTER_TEXT                                                    \
    "the counter in sharedcounter.dll, shared by every process that\n"         \
    "loads that DLL file"
#else
#define SC_LIBRARY_NAME "libsharedcounter.so"
#define SC_DLL_COUNTER_TEXT                                                    \
    "the counter in libsharedcounter.so, shared by every process of\n"         \
    "this user that loads that library file"
#endif

enum sc_client_mode {
    SC_MODE_INTERACTIVE, /* commands from stdin */
    SC_MODE_BATCH,       /* --times N --delta D */
    SC_MODE_VERSION,     /* --version */
};

enum { SC_READ_BUFFER = 4096 };

struct sc_client {
    const char *name;    /* in messages, --help and --version */
    const char *counter; /* what is counted, for --help */
    int batch_only;      /* no interactive mode (counter_worker) */

    /* Set by sc__client_parse(). */
    enum sc_client_mode mode;
    int64_t times, delta;     /* SC_MODE_BATCH */
    const char *counter_name; /* --name (batch_only), or NULL: the default */

    /* The runner's state; zero at the start. */
    char buffer[SC_READ_BUFFER];
    size_t start, end;
    unsigned long line_number;
    int64_t expected; /* the value with no other process involved */
    int rejected, failed;
};

/* The counter's calls: the library's functions, pointers to them found at
 * run time, or a client's own functions. */
struct sc_counter_calls {
    int64_t (*get)(void);               /* "=", and the value at the start */
    int64_t (*add)(int64_t delta);      /* ENTER, N: returns the new value */
    int64_t (*exchange)(int64_t value); /* "=N": returns the old value */
    /* --version: the library's sc_version(); NULL when the counter is in
     * no library. */
    uint32_t (*version)(void);
};

/* sc__client_parse()'s answer when the client is to run. */
enum { SC_CLIENT_RUN = -1 };

/* sc__client_parse(), then, unless that ended the program,
 * sc__client_run(). Returns the exit code. */
int sc__client_main(struct sc_client *client,
                    const struct sc_counter_calls *calls, int argc,
                    char **argv);

/* Parses the command line ("--times N [--delta D]", "--name NAME" for a
 * batch_only client, --version, --help). Returns SC_CLIENT_RUN with
 * client->mode set, or the exit code after --help or bad usage. */
int sc__client_parse(struct sc_client *client, int argc, char **argv);

/* Runs the mode sc__client_parse() chose; returns the exit code. */
int sc__client_run(struct sc_client *client,
                   const struct sc_counter_calls *calls);

/* The last value line in text (a client's stdout, "\r\n" or "\n" line
 * endings): returns 0 with *value set, or -1 if there is none. */
int sc__last_value(const char *text, int64_t *value);

/* ---- the platform's part: runner_win32.c, runner_posix.c ---------------- */

/* --version: the program's version, then, unless library_function is NULL,
 * library_version and the path of the library that holds the function (on
 * Windows, also the DLL's build). Returns the exit code. */
int sc__print_versions(const char *program, const void *library_function,
                       uint32_t library_version);

/* Reads stdin into client->buffer: 1 when it holds new bytes, 0 at the end
 * of input, -1 after reporting an error. */
int sc__client_refill(struct sc_client *client);

/* Whether stdin is a console or terminal (not a pipe or a file). */
int sc__stdin_is_terminal(void);

#endif /* SC_RUNNER_H */
