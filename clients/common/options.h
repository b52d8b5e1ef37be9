/*
 * Command-line options that take an integer ("--times 5" or "--times=5"),
 * plus --help. One parser for every program, so that all of them report bad
 * arguments in the same words.
 */
#ifndef SC_OPTIONS_H
#define SC_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

struct sc_int_option {
    const char *name; /* with its dashes: "--times" */
    int64_t min, max; /* accepted range, both included */
    int64_t value;    /* the default on input; what was given on output */
    int given;        /* set when the option appeared */
};

enum sc_args_result {
    SC_ARGS_OK,
    SC_ARGS_HELP, /* --help or -h: print the help, exit 0 */
    SC_ARGS_BAD,  /* already reported on stderr: exit 2 */
};

/* Exit codes every program shares. */
enum { SC_EXIT_OK = 0, SC_EXIT_FAILURE = 1, SC_EXIT_USAGE = 2 };

/* Parses argv[1..argc-1] against options[0..count-1]. Anything else (an
 * unknown option, a missing or malformed value, a value out of range, an
 * option given twice, a stray argument) is reported on stderr, prefixed
 * with program, and gives SC_ARGS_BAD. */
enum sc_args_result sc__parse_args(int argc, char **argv, const char *program,
                                   struct sc_int_option *options, size_t count);

#endif /* SC_OPTIONS_H */
