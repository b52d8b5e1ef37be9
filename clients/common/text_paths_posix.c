/* The running program's path on POSIX systems; see text_paths.h. */
#define _GNU_SOURCE

#include "text_paths.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *sc__program_path(const char *file)
{
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);

    if (len < 0)
        return NULL;
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    size_t dir_len = slash != NULL ? (size_t)(slash + 1 - self) : 0;
    char *path = malloc(dir_len + strlen(file) + 1);
    if (path != NULL) {
        memcpy(path, self, dir_len);
        strcpy(path + dir_len, file);
    }
    return path;
}
