/* Reads a file with plain stdio, which behaves the same on every platform. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"

/* Executables and libraries are far smaller; a larger file is more likely a
 * mistake (a disk image, say) than something to inspect. */
#define MAX_FILE_SIZE ((size_t)1 << 30)

static int fail(char *error, size_t error_size, const char *reason)
{
    snprintf(error, error_size, "%s", reason);
    return -1;
}

static int read_all(FILE *file, unsigned char **data, size_t *size, char *error,
                    size_t error_size)
{
    size_t capacity = 1 << 16, length = 0;
    unsigned char *buffer = malloc(capacity);
    errno = 0;
    while (buffer != NULL) {
        length += fread(buffer + length, 1, capacity - length, file);
        if (length < capacity)
            break;
        /* A full buffer may just hold the whole file: only a byte beyond
         * the limit proves the file too large. */
        if (capacity >= MAX_FILE_SIZE) {
            if (getc(file) == EOF)
                break;
            free(buffer);
            return fail(error, error_size, "file larger than 1 GiB");
        }
        unsigned char *grown = realloc(buffer, capacity * 2);
        if (grown == NULL)
            free(buffer);
        buffer = grown;
        capacity *= 2;
    }
    if (buffer == NULL)
        return fail(error, error_size, "out of memory");
    if (ferror(file)) {
        /* errno names the cause, such as a directory given as the file. */
        int cause = errno;
        free(buffer);
        return fail(error, error_size, cause ? strerror(cause) : "read error");
    }
    *data = buffer;
    *size = length;
    return 0;
}

int sc__sd_read_file(const char *path, unsigned char **data, size_t *size,
                     char *error, size_t error_size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return fail(error, error_size, strerror(errno));
    int rc = read_all(file, data, size, error, error_size);
    fclose(file);
    return rc;
}
