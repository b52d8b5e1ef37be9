/* Scratch folders for tests; see scratch_dir.h. */
#include "scratch_dir.h"

#include <stdio.h>
#include <stdlib.h>

DWORD sc__temp_dir_create(char *buf, size_t size)
{
    static LONG serial;
    char base[MAX_PATH];
    DWORD len = GetTempPathA(sizeof base, base);

    if (len == 0 || len >= sizeof base)
        return ERROR_BAD_PATHNAME;
    /* Wine reuses process ids, and a crashed run may have left a folder of
     * the same name behind: take the next free name instead. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int n = snprintf(buf, size, "%ssc-test-%lu-%ld\\", base,
                         (unsigned long)GetCurrentProcessId(),
                         InterlockedIncrement(&serial));
        if (n < 0 || (size_t)n >= size)
            return ERROR_INSUFFICIENT_BUFFER;
        if (CreateDirectoryA(buf, NULL))
            return 0;
        if (GetLastError() != ERROR_ALREADY_EXISTS)
            return GetLastError();
    }
    return ERROR_ALREADY_EXISTS;
}

/* A process that has just exited may still hold its image for a moment. */
static DWORD delete_with_retry(const char *path)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        if (DeleteFileA(path))
            return 0;
        Sleep(20);
    }
    return GetLastError();
}

static DWORD first_error(DWORD so_far, DWORD err)
{
    return so_far != 0 ? so_far : err;
}

DWORD sc__temp_dir_remove(const char *dir)
{
    char pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAA found;
    DWORD err = 0;

    if ((size_t)snprintf(pattern, sizeof pattern, "%s*", dir) >= sizeof pattern)
        return ERROR_INSUFFICIENT_BUFFER;
    HANDLE search = FindFirstFileA(pattern, &found);
    if (search != INVALID_HANDLE_VALUE) {
        do {
            if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                continue;
            if ((size_t)snprintf(path, sizeof path, "%s%s", dir,
                                 found.cFileName) >= sizeof path)
                err = first_error(err, ERROR_INSUFFICIENT_BUFFER);
            else
                err = first_error(err, delete_with_retry(path));
        } while (FindNextFileA(search, &found));
        FindClose(search);
    }
    if (!RemoveDirectoryA(dir))
        err = first_error(err, GetLastError());
    return err;
}

int sc__temp_dir_setup(void **state)
{
    char *dir = malloc(MAX_PATH);

    if (dir == NULL || sc__temp_dir_create(dir, MAX_PATH) != 0) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

/* A folder left behind here is only litter in %TEMP%; the test itself has
 * already passed or failed on its own checks. */
int sc__temp_dir_teardown(void **state)
{
    sc__temp_dir_remove(*state);
    free(*state);
    return 0;
}
