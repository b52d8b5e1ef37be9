/*
 * Options and messages, the same in every program of the project: one
 * command-line parser ("--name value" or "--name=value"), strict int64_t
 * numbers, messages "<program>: <what>" on stderr in UTF-8 that a console
 * shows right, and the exit codes. Bad usage is reported as
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

enum { SC_EXIT_OK = 0, SC_EXIT_FAILURE = 1, SC_EXIT_USAGE = 2 };

enum sc_parse_status {
    SC_PARSE_OK,
    SC_PARSE_NOT_NUMBER,   /* empty, or anything but [+-]digits */
    SC_PARSE_OUT_OF_RANGE, /* digits only, but outside int64_t */
};

/* Parses an optional '+' or '-', then decimal digits, and nothing else (no
 * spaces); INT64_MIN included. Sets *value only on SC_PARSE_OK. */
enum sc_parse_status sc__parse_int64(const char *text, int64_t *value);

enum sc_option_kind {
    SC_OPTION_INT,      /* "--times 5": a number within [min, max] */
    SC_OPTION_INT_LIST, /* "--processes 1,2,4": each within [min, max],
                           none twice */
    SC_OPTION_STRING,   /* "--csv out.csv": text, not empty */
    SC_OPTION_FLAG,     /* "--verbose": no value */
};

struct sc_option {
    const char *name; /* with its dashes: "--times" */
    enum sc_option_kind kind;
    int64_t min, max; /* INT and each item of INT_LIST, both included */
    int64_t value;    /* INT: the default on input, what was given on output */
    const char *text; /* STRING: likewise (the default may be NULL) */
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

/* Parses argv[1..argc-1] against options[0..count-1]. An unknown option, a
 * missing, malformed or out-of-range value, an option given twice or a
 * stray argument is reported as bad usage. --help and --version win over
 * what follows them, until the first error. */
enum sc_args_result sc__parse_args(int argc, char **argv, const char *program,
                                   struct sc_option *options, size_t count);

/* Lets the compiler check the callers' arguments against the format. */
#if defined(__GNUC__)
#define SC_PRINTF(format_arg, first_arg)                                       \
    __attribute__((format(printf, format_arg, first_arg)))
#else
#define SC_PRINTF(format_arg, first_arg)
#endif

/* Reports bad usage (the message, then the "Try" line); returns
 * SC_EXIT_USAGE. */
SC_PRINTF(2, 3)
int sc__usage_error(const char *program, const char *format, ...);

/* Prints "<program> <project version>"; returns 0, or -1 when stdout
 * cannot be written. */
int sc__print_program_version(const char *program);

/* Prints "<program>: <message>\n" on stderr, formatted as printf does. */
SC_PRINTF(2, 3) void sc__error(const char *program, const char *format, ...);

/* The text of the thread's last system error (GetLastError() on Windows,
 * errno elsewhere), written into buf; returns buf. */
const char *sc__last_error_text(char *buf, size_t size);

/* Writes UTF-8 text to out and flushes it: on a Windows console through
 * WriteConsoleW, whatever its code page; elsewhere as bytes. Returns 0, or
 * -1 on a write error. */
int sc__write_text(FILE *out, const char *text);

#if defined(_WIN32)
/* "<system text> (error <code>)" in buf, on one line, UTF-8, with no "%1"
 * left for a name; "error <code>" when the system has no text. Returns
 * buf. */
const char *sc__win32_message(DWORD error, char *buf, size_t size);

/* Whether handle is a console (not a pipe or a file). */
int sc__is_console(HANDLE handle);
#endif

#endif /* SC_OPTIONS_H */
