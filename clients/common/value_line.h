/*
 * The one line every client prints after each step, "counter: <value>".
 * The launcher and the tests read it back from the clients' output.
 */
#ifndef SC_VALUE_LINE_H
#define SC_VALUE_LINE_H

#include <stdint.h>
#include <stdio.h>

#define SC_VALUE_PREFIX "counter: "

/* Prints the value line to out and flushes it, so that a program reading
 * the other end of a pipe sees it at once. Returns 0, or -1 on a write
 * error. */
int sc__print_value(FILE *out, int64_t value);

/* Finds the last value line in text (a client's whole stdout, "\r\n" or
 * "\n" line endings). Returns 0 with *value set, or -1 if there is none. */
int sc__last_value(const char *text, int64_t *value);

#endif /* SC_VALUE_LINE_H */
