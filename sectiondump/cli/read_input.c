/* What reading input does on every platform: the growing buffer and the
 * size limit, with their messages. */
#include <stdio.h>
#include <stdlib.h>

#include "platform.h"

static int too_large(struct sd__buffer *buffer, uint64_t max_size, char *error,
                     size_t error_size)
{
    free(buffer->data);
    buffer->data = NULL;
    snprintf(error, error_size,
             "larger than the limit of %llu bytes (see --max-size)",
             (unsigned long long)max_size);
    return -1;
}

int sd__buffer_reserve(struct sd__buffer *buffer, uint64_t max_size,
                       char *error, size_t error_size)
{
    if (buffer->size < buffer->capacity)
        return 0;
    uint64_t wanted = buffer->capacity ? (uint64_t)buffer->capacity * 2 : 65536;
    /* Compared so, max_size + 1 cannot wrap: max_size is below wanted. */
    if (wanted > max_size)
        wanted = max_size + 1;
    if (wanted > SIZE_MAX || wanted <= buffer->capacity)
        return too_large(buffer, max_size, error, error_size);
    unsigned char *grown = realloc(buffer->data, (size_t)wanted);
    if (grown == NULL) {
        free(buffer->data);
        buffer->data = NULL;
        snprintf(error, error_size, "out of memory for %llu bytes",
                 (unsigned long long)wanted);
        return -1;
    }
    buffer->data = grown;
    buffer->capacity = (size_t)wanted;
    return 0;
}

int sd__buffer_finish(struct sd__buffer *buffer, uint64_t max_size,
                      unsigned char **data, size_t *size, char *error,
                      size_t error_size)
{
    if (buffer->size > max_size)
        return too_large(buffer, max_size, error, error_size);
    /* An empty input still gets a buffer, so that *data is never NULL. */
    if (buffer->data == NULL &&
        sd__buffer_reserve(buffer, max_size, error, error_size) != 0)
        return -1;
    *data = buffer->data;
    *size = buffer->size;
    return 0;
}

int sd__read_file(const char *path, unsigned char **data, size_t *size,
                  char *error, size_t error_size)
{
    return sd__read_input(path, SD_DEFAULT_MAX_SIZE, data, size, error,
                          error_size);
}
