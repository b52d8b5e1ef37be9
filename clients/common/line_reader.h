/*
 * Bounded line input: a line of any length, even one that never ends, is
 * read in constant memory; one too long for the buffer is consumed whole
 * and reported, so the next read starts at the next line.
 */
#ifndef SC_LINE_READER_H
#define SC_LINE_READER_H

#include <stddef.h>
#include <stdio.h>

enum sc_line_status {
    SC_LINE_OK,       /* buf holds the line, without its line ending */
    SC_LINE_TOO_LONG, /* the line did not fit in size - 1 characters */
    SC_LINE_NUL,      /* the line contained a NUL character */
    SC_LINE_EOF,      /* no line: end of input, or a read error (ferror) */
};

/* Reads one line from in. A last line without '\n' still counts as a line.
 * One '\r' before '\n' is part of the line ending, not of the line. */
enum sc_line_status sc__read_line(FILE *in, char *buf, size_t size);

#endif /* SC_LINE_READER_H */
