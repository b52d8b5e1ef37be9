/*
 * The client runner: everything a counter client does besides calling its
 * counter. The client names its calls; the runner parses the command line,
 * reads one command per line on stdin (the language is in client.c's
 * help), makes the call each one asks for, and prints what it returned:
 *
 *     struct sc_client client = {"counter_client", "the counter in ..."};
 *     const struct sc_counter_calls calls = {sc_get, sc_add, sc_exchange,
 *                                            sc_version};
 *     return sc__client_main(&client, &calls, argc, argv);
 *
 * A pipe or a file is read as bytes, Ctrl+Z (0x1A) a character like any
 * other. A Windows console is read as the characters typed, in UTF-8
 * whatever its code page, so that a refused line is quoted as the same
 * text through a pipe is; there, Ctrl+Z at the start of a line, then
 * ENTER, ends the input, as for the programs of cmd.exe.
 *
 * After each command the client prints the value line "counter: <value>",
 * followed by " (+N from other processes)" when other processes changed
 * the counter since this client's previous line (N in wrapping arithmetic,
 * may be negative). The launcher and the tests read the value back with
 * sc__last_value().
 */
#ifndef SC_CLIENT_H
#define SC_CLIENT_H

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

/* The counter's calls. A client of the library names its functions, or the
 * pointers it found to them when it loads the library at run time; the
 * other clients name functions of their own. */
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

/* The whole of a client: sc__client_parse(), then, unless that ended the
 * program, sc__client_run(). Returns the exit code. */
int sc__client_main(struct sc_client *client,
                    const struct sc_counter_calls *calls, int argc,
                    char **argv);

/* Parses the command line: "--times N [--delta D]" for batch mode, with
 * "--name NAME" for a batch_only client, --version, --help. Returns
 * SC_CLIENT_RUN with client->mode set, or the exit code once --help is
 * printed or bad usage reported. For a client that has work to do between
 * the two, such as loading its library or opening a named counter. */
int sc__client_parse(struct sc_client *client, int argc, char **argv);

/* Runs the mode sc__client_parse() chose, each command one call: --version
 * (with the library that holds calls->get), batch or interactive. Returns
 * the exit code. */
int sc__client_run(struct sc_client *client,
                   const struct sc_counter_calls *calls);

/* Finds the last value line in text (a client's whole stdout, "\r\n" or
 * "\n" line endings). Returns 0 with *value set, or -1 if there is none. */
int sc__last_value(const char *text, int64_t *value);

/* ---- the platform's part: client_win32.c, client_posix.c ---------------- */

/* --version: the program's version and, when library_function is not
 * NULL, the version (library_version: what its sc_version() returned) and
 * full path of the loaded library that holds that function, and on Windows
 * the DLL's build. Returns the exit code. */
int sc__print_versions(const char *program, const void *library_function,
                       uint32_t library_version);

/* Reads what stdin has into client->buffer. Returns 1 when the buffer
 * holds new bytes, 0 at the end of input, -1 after reporting an error. */
int sc__client_refill(struct sc_client *client);

/* Whether stdin is a console or terminal (not a pipe or a file). */
int sc__stdin_is_terminal(void);

#endif /* SC_CLIENT_H */
