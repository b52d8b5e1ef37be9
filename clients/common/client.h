/*
 * The client runner: everything a counter client does besides calling its
 * counter. The client keeps the calls; the runner parses the command line,
 * reads and parses commands, and prints what the client hands back:
 *
 *     struct sc_client client = {"counter_client", "the counter in ..."};
 *     int status = sc__client_parse(&client, argc, argv);
 *     if (status != SC_CLIENT_RUN)
 *         return status;                         (--help, bad usage)
 *     ...  client.mode: SC_MODE_VERSION, SC_MODE_BATCH or SC_MODE_INTERACTIVE
 *     sc__client_begin(&client, sc_get());
 *     while (sc__client_next(&client, &command)) {
 *         switch (command.kind) { ... returned = sc_add(command.number) ... }
 *         sc__client_reply(&client, &command, returned);
 *     }
 *     return sc__client_end(&client);
 *
 * The command language, one command per line on stdin:
 *
 *     (empty line)  add 1             =      show the value
 *     +N, -N, N     add N or -N       =N     set the value to N
 *     help          list these        q, quit  quit (so does end of input)
 *
 * N is a decimal int64_t; "-9223372036854775808" is valid. Nothing else is
 * accepted: no spaces, no control characters, no trailing characters.
 * From a pipe or a file, stdin is read as bytes: a Ctrl+Z (0x1A) byte is
 * a character like any other, not the end of input. A Windows console is
 * read as the characters typed, in UTF-8 whatever its code page, so that a
 * refused line is quoted as the same text through a pipe is; there, Ctrl+Z
 * at the start of a line, then ENTER, is the end of input, as for the
 * programs of cmd.exe (the rest of that line is dropped). Elsewhere in a
 * line Ctrl+Z is a control character: the line is refused. Under Wine in a
 * Unix terminal, the terminal keeps Ctrl+Z as its suspend key and only the
 * ENTER after it arrives (docs/reliability.md).
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

enum sc_command_kind {
    SC_COMMAND_ADD,  /* hand back the new value */
    SC_COMMAND_SET,  /* hand back the old value */
    SC_COMMAND_SHOW, /* hand back the value */
};

struct sc_command {
    enum sc_command_kind kind;
    int64_t number; /* ADD: the delta; SET: the new value */
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

    /* The runner's state; zero before sc__client_begin(). */
    char buffer[SC_READ_BUFFER];
    size_t start, end;
    unsigned long line_number;
    int64_t expected; /* the value with no other process involved */
    int rejected, failed;
};

/* sc__client_parse()'s answer when the client is to run. */
enum { SC_CLIENT_RUN = -1 };

/* Parses the command line: "--times N [--delta D]" for batch mode, with
 * "--name NAME" for a batch_only client, --version, --help. Returns
 * SC_CLIENT_RUN with client->mode set, or the exit code once --help is printed
 * or bad usage reported. */
int sc__client_parse(struct sc_client *client, int argc, char **argv);

/* --version: the program's version and, when library_function is not
 * NULL, the version (library_version: what its sc_version() returned) and
 * full path of the loaded library that holds that function, and on Windows
 * the DLL's build. Returns the exit code. */
int sc__client_version(const struct sc_client *client,
                       const void *library_function, uint32_t library_version);

/* Batch mode's end: prints the last value seen; returns the exit code. */
int sc__client_result(struct sc_client *client, int64_t last);

/* Interactive mode: prints the value the counter has at the start. */
void sc__client_begin(struct sc_client *client, int64_t value);

/* Reads lines until one is a command for the counter and returns 1 with it
 * in *command, or returns 0 at "q", at the end of input, or when stdin or
 * stdout fails. Lines it cannot accept are reported on stderr and skipped;
 * "help" is answered here. */
int sc__client_next(struct sc_client *client, struct sc_command *command);

/* Prints the value line for command, given what the counter call returned
 * (see enum sc_command_kind). */
void sc__client_reply(struct sc_client *client,
                      const struct sc_command *command, int64_t returned);

/* Returns the exit code: 0 when every line was accepted and every write
 * and read worked, 1 otherwise. */
int sc__client_end(struct sc_client *client);

/* The counter's calls, for a client that holds them as pointers (one that
 * loads the library at run time). */
struct sc_counter_calls {
    int64_t (*get)(void);
    int64_t (*add)(int64_t delta);      /* returns the new value */
    int64_t (*exchange)(int64_t value); /* returns the old value */
};

/* The whole run of such a client once sc__client_parse() said to run in
 * batch or interactive mode, each command one call. Returns the exit code. */
int sc__client_run(struct sc_client *client,
                   const struct sc_counter_calls *calls);

/* Finds the last value line in text (a client's whole stdout, "\r\n" or
 * "\n" line endings). Returns 0 with *value set, or -1 if there is none. */
int sc__last_value(const char *text, int64_t *value);

/* ---- the platform's part: client_win32.c, client_posix.c ---------------- */

/* Reads what stdin has into client->buffer: the bytes of a pipe or a file,
 * or the UTF-8 of what was typed on a console, where a Ctrl+Z that starts a
 * line ends the input. Returns 1 when the buffer holds new bytes, 0 at the
 * end of input, -1 after reporting an error. */
int sc__client_refill(struct sc_client *client);

/* Whether stdin is a console or terminal (not a pipe or a file). */
int sc__stdin_is_terminal(void);

/* The library lines of --version; see sc__client_version(). */
int sc__print_library(const struct sc_client *client,
                      const void *library_function, uint32_t library_version);

#endif /* SC_CLIENT_H */
