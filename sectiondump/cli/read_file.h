/* The tool's only input: a whole file in memory. */
#ifndef SC_SD_READ_FILE_H
#define SC_SD_READ_FILE_H

#include <stddef.h>

/* Reads path into a malloc'ed buffer. Returns 0, or -1 with a one-line
 * reason in error (errno's text, or a size limit). */
int sc__sd_read_file(const char *path, unsigned char **data, size_t *size,
                     char *error, size_t error_size);

#endif /* SC_SD_READ_FILE_H */
