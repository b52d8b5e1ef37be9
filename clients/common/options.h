/*
 * Options and messages: what every program of the project shares.
 *
 *   - one command-line parser: integer options with a range, lists of
 *     integers ("1,2,4"), string options (paths), flags, --help, --version;
 *     "--name value" and "--name=value" both work;
 *   - strict int64_t parsing;
 *   - messages "<program>: <what>" on stderr, UTF-8 text written so that a
 *     console shows it right, and on Windows Win32 error codes as text;
 *   - exit codes.
 *
 * Bad usage is reported as
 *
 *     <program>: <what went wrong>
 *     Try '<program> --help'.
 *
 * and the program exits with SC_EXIT_USAGE.
 */
#ifndef SC_OPTIONS_H
#define SC_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(_WIN32)
#include <windows.h>
#endif

/* Exit codes every program shares. */
enum { SC_EXIT_OK = 0, SC_EXIT_FAILURE = 1, SC_EXIT_USAGE = 2 };

/* ---- numbers ------------------------------------------------------------- */

enum sc_parse_status {
    SC_PARSE_OK,
    SC_PARSE_NOT_NUMBER,   /* empty, or anything but [+-]digits */
    SC_PARSE_OUT_OF_RANGE, /* digits only, but outside int64_t */
};

/* Parses an optional '+' or '-' followed by one or more decimal digits and
 * nothing else: no spaces, no trailing characters. The whole int64_t range
 * is accepted, INT64_MIN included. *value is set only on SC_PARSE_OK. */
enum sc_parse_status sc__parse_int64(const char *text, int64_t *value);

/* ---- the command line ---------------------------------------------------- */

enum sc_option_kind {
    SC_OPTION_INT,      /* "--times 5": value, within [min, max] */
    SC_OPTION_INT_LIST, /* "--processes 1,2,4": list, each within [min, max],
                           none twice */
    SC_OPTION_STRING,   /* "--csv out.csv": text, not empty */
    SC_OPTION_FLAG,     /* "--verbose": given, no value */
};

struct sc_option {
    const char *name; /* with its dashes: "--times" */
    enum sc_option_kind kind;
    int64_t min, max; /* INT and each item of INT_LIST, both included */
    int64_t value;    /* INT: the default on input, what was given on output */
    const char *text; /* STRING: the default on input (may be NULL) */
    int64_t *list;    /* INT_LIST: room for list_max items, in given order */
    size_t list_max;
    size_t list_len; /* INT_LIST: the default's length on input */
    int given;       /* set when the option appeared */
};

#define SC_INT_OPTION(name_, min_, max_, default_)                             \
    {                                                                          \
        .name = (name_), .kind = SC_OPTION_INT, .min = (min_), .max = (max_),  \
        .value = (default_)                                                    \
    }
#define SC_INT_LIST_OPTION(name_, min_, max_, array_, default_len_)            \
    {                                                                          \
        .name = (name_), .kind = SC_OPTION_INT_LIST, .min = (min_),            \
        .max = (max_), .list = (array_),                                       \
        .list_max = sizeof(array_) / sizeof((array_)[0]),                      \
        .list_len = (default_len_)                                             \
    }
#define SC_STRING_OPTION(name_, default_)                                      \
    {                                                                          \
        .name = (name_), .kind = SC_OPTION_STRING, .text = (default_)          \
    }
#define SC_FLAG_OPTION(name_)                                                  \
    {                                                                          \
        .name = (name_), .kind = SC_OPTION_FLAG                                \
    }

enum sc_args_result {
    SC_ARGS_OK,
    SC_ARGS_HELP,    /* --help or -h: print the help, exit 0 */
    SC_ARGS_VERSION, /* --version: print the version, exit 0 */
    SC_ARGS_BAD,     /* already reported on stderr: exit SC_EXIT_USAGE */
};

/* Parses argv[1..argc-1] against options[0..count-1]. Anything else (an
 * unknown option, a missing or malformed value, a value out of range, an
 * option given twice, a stray argument) is reported on stderr as bad usage
 * (see above) and gives SC_ARGS_BAD. --help and --version win over
 * anything after them, and are only looked at until the first error. */
enum sc_args_result sc__parse_args(int argc, char **argv, const char *program,
                                   struct sc_option *options, size_t count);

/* Marks a function whose format_arg-th argument is a printf format, so
 * that the compiler checks its callers' arguments against it. */
#if defined(__GNUC__)
#define SC_PRINTF(format_arg, first_arg)                                       \
    __attribute__((format(printf, format_arg, first_arg)))
#else
#define SC_PRINTF(format_arg, first_arg)
#endif

/* Reports bad usage (the message, then the "Try" line) and returns
 * SC_EXIT_USAGE. */
SC_PRINTF(2, 3)
int sc__usage_error(const char *program, const char *format, ...);

/* Prints "<program> <version of the project>" on stdout; returns 0 or -1
 * when stdout cannot be written. */
int sc__print_program_version(const char *program);

/* ---- messages ------------------------------------------------------------ */

/* Prints "<program>: <message>\n" on stderr, the message formatted as
 * printf does; the text is UTF-8 (see sc__write_text). */
SC_PRINTF(2, 3) void sc__error(const char *program, const char *format, ...);

/* The text of the calling thread's last system error (GetLastError() on
 * Windows, errno elsewhere), written into buf; returns buf. */
const char *sc__last_error_text(char *buf, size_t size);

/* Writes UTF-8 text to out (stdout or stderr) and flushes it. On a Windows
 * console it goes through WriteConsoleW, so that every character shows,
 * whatever the console's code page; into a pipe or a file, and on POSIX
 * systems, the bytes go as they are. Returns 0, or -1 on a write error. */
int sc__write_text(FILE *out, const char *text);

#if defined(_WIN32)
/* Writes "<system text> (error <code>)" into buf, always NUL-terminated and
 * UTF-8, on one line and with no "%1" left where the system text expects
 * the caller to fill in a name. Just "error <code>" when the system has no
 * text. Returns buf. */
const char *sc__win32_message(DWORD error, char *buf, size_t size);

/* Whether handle is a console (rather than a pipe or a file). */
int sc__is_console(HANDLE handle);
#endif

#endif /* SC_OPTIONS_H */
