/* POSIX: the arguments are already bytes, and files are read with open()
 * and read(). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

int sd__utf8_arguments(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "a special file";
}

static int read_fd(int fd, uint64_t max_size, unsigned char **data,
                   size_t *size, char *error, size_t error_size)
{
    struct sd__buffer buffer = {0};
    for (;;) {
        if (sd__buffer_reserve(&buffer, max_size, error, error_size) != 0)
            return -1;
        ssize_t n =
            read(fd, buffer.data + buffer.size, buffer.capacity - buffer.size);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(error, error_size, "%s", strerror(errno));
            free(buffer.data);
            return -1;
        }
        buffer.size += (size_t)n;
    }
    return sd__buffer_finish(&buffer, max_size, data, size, error, error_size);
}

/* Opening does not block on a FIFO (O_NONBLOCK), so that fstat() can refuse
 * it; only regular files are read. */
static int open_regular(const char *path, uint64_t max_size, char *error,
                        size_t error_size)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        snprintf(error, error_size, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    const char *problem = NULL;
    if (fstat(fd, &st) != 0)
        problem = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        snprintf(error, error_size, "not a regular file: %s",
                 kind_of(st.st_mode));
    else if ((uint64_t)st.st_size > max_size)
        snprintf(error, error_size,
                 "%llu bytes, larger than the limit of %llu bytes (see "
                 "--max-size)",
                 (unsigned long long)st.st_size, (unsigned long long)max_size);
    else
        return fd;
    if (problem != NULL)
        snprintf(error, error_size, "%s", problem);
    close(fd);
    return -1;
}

int sd__read_input(const char *path, uint64_t max_size, unsigned char **data,
                   size_t *size, char *error, size_t error_size)
{
    if (strcmp(path, "-") == 0)
        return read_fd(STDIN_FILENO, max_size, data, size, error, error_size);
    int fd = open_regular(path, max_size, error, error_size);
    if (fd < 0)
        return -1;
    int rc = read_fd(fd, max_size, data, size, error, error_size);
    close(fd);
    return rc;
}
