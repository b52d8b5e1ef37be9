/*
 * The command language of the interactive clients, one command per line:
 *
 *     (empty line)  add 1            =   show the value, change nothing
 *     +N / -N       add N or -N      q   quit
 *
 * N is a decimal int64_t; "-9223372036854775808" is valid. Nothing else is
 * accepted: no spaces, no trailing characters.
 */
#ifndef SC_COMMAND_H
#define SC_COMMAND_H

#include <stdint.h>

enum sc_command_kind {
    SC_COMMAND_ADD,
    SC_COMMAND_SHOW,
    SC_COMMAND_QUIT,
    SC_COMMAND_INVALID,
};

struct sc_command {
    enum sc_command_kind kind;
    int64_t delta;       /* SC_COMMAND_ADD */
    const char *problem; /* SC_COMMAND_INVALID: why, as a phrase */
};

/* Parses one line, without its line ending. */
struct sc_command sc__parse_command(const char *line);

/* The commands in one line, for banners and error messages. */
#define SC_COMMAND_SUMMARY "ENTER adds 1, +N/-N adds N, = shows, q quits"

#endif /* SC_COMMAND_H */
