/*
 * Strict parsing of a signed 64-bit decimal number, shared by the command
 * language and the command-line options.
 */
#ifndef SC_INT_PARSE_H
#define SC_INT_PARSE_H

#include <stdint.h>

enum sc_parse_status {
    SC_PARSE_OK,
    SC_PARSE_NOT_NUMBER,   /* empty, or anything but [+-]digits */
    SC_PARSE_OUT_OF_RANGE, /* digits only, but outside int64_t */
};

/* Parses an optional '+' or '-' followed by one or more decimal digits and
 * nothing else: no spaces, no trailing characters. The whole int64_t range
 * is accepted, INT64_MIN included. *value is set only on SC_PARSE_OK. */
enum sc_parse_status sc__parse_int64(const char *text, int64_t *value);

#endif /* SC_INT_PARSE_H */
