/* What the tool needs from the operating system: its command line in UTF-8,
 * and whole files in memory. platform_posix.c and platform_win32.c implement
 * it; read_input.c holds what they share. */
#ifndef SD_PLATFORM_H
#define SD_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Executables and libraries are far smaller than this; a larger file is
 * more likely a mistake (a disk image, say) than something to inspect.
 * sectiondump --max-size raises it. */
#define SD_DEFAULT_MAX_SIZE ((uint64_t)1 << 30)

/* Replaces argv with the command line in UTF-8 (Windows passes main() the
 * ANSI code page, which cannot hold every file name). Returns 0, or -1 when
 * the command line cannot be read or converted. */
int sd__utf8_arguments(int *argc, char ***argv);

/* Reads the regular file at path (UTF-8), or standard input for "-", into
 * a malloc'ed buffer of at most max_size bytes. Returns 0, or -1 with a
 * one-line reason in error (the system's, "not a regular file: ...", or the
 * size limit). */
int sd__read_input(const char *path, uint64_t max_size, unsigned char **data,
                   size_t *size, char *error, size_t error_size);

/* sd__read_input() with SD_DEFAULT_MAX_SIZE. */
int sd__read_file(const char *path, unsigned char **data, size_t *size,
                  char *error, size_t error_size);

/* A growing buffer for the platforms' read loops. */
struct sd__buffer {
    unsigned char *data;
    size_t size;
    size_t capacity;
};

/* Makes room for at least one more byte, up to one byte beyond max_size
 * (so that a file of exactly max_size bytes is read whole and one byte more
 * proves it too large). Returns 0, or -1 with the reason in error and the
 * buffer freed. */
int sd__buffer_reserve(struct sd__buffer *buffer, uint64_t max_size,
                       char *error, size_t error_size);

/* Checks the size read against max_size; on success hands the buffer over.
 * Returns 0, or -1 with the reason in error and the buffer freed. */
int sd__buffer_finish(struct sd__buffer *buffer, uint64_t max_size,
                      unsigned char **data, size_t *size, char *error,
                      size_t error_size);

#endif /* SD_PLATFORM_H */
