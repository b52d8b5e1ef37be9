/* Self-spawning workers, start gates and scratch folders; see self_spawn.h. */
#include "self_spawn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

DWORD sc__spawn_self(struct sc_child *child, const char *args, unsigned flags)
{
    char self[MAX_PATH];
    DWORD len = GetModuleFileNameA(NULL, self, sizeof self);

    if (len == 0 || len >= sizeof self)
        return ERROR_BAD_PATHNAME;
    return sc__child_start(child, self, args, flags);
}

/* WriteFile, not stdio: a worker may write binary data to stdout after it. */
DWORD sc__say_ready(void)
{
    DWORD written;
    return WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "ready\n", 6, &written,
                     NULL) &&
                   written == 6
               ? 0
               : ERROR_WRITE_FAULT;
}

DWORD sc__child_wait_ready(struct sc_child *child)
{
    char line[16];
    DWORD err = sc__child_read_line(child, line, sizeof line);

    if (err == 0 && strcmp(line, "ready") != 0)
        err = ERROR_INVALID_DATA;
    return err;
}

DWORD sc__gate_create(struct sc_start_gate *gate, const char *tag)
{
    snprintf(gate->name, sizeof gate->name, "Local\\sc-gate-%lu-%s",
             (unsigned long)GetCurrentProcessId(), tag);
    gate->event = CreateEventA(NULL, TRUE, FALSE, gate->name);
    return gate->event != NULL ? 0 : GetLastError();
}

DWORD sc__gate_wait(const char *name)
{
    HANDLE event = OpenEventA(SYNCHRONIZE, FALSE, name);

    if (event == NULL)
        return GetLastError();
    DWORD waited = WaitForSingleObject(event, INFINITE);
    CloseHandle(event);
    return waited == WAIT_OBJECT_0 ? 0 : GetLastError();
}

DWORD sc__temp_dir_create(char *buf, size_t size)
{
    static LONG serial;
    char base[MAX_PATH];
    DWORD len = GetTempPathA(sizeof base, base);

    if (len == 0 || len >= sizeof base)
        return ERROR_BAD_PATHNAME;
    /* A folder left over by an earlier run with the same process id is
     * skipped, not reused. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int n = snprintf(buf, size, "%ssc-reliability-%lu-%ld\\", base,
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

/* A program that has just exited may hold its image file for a moment. */
static void delete_with_retry(const char *path)
{
    for (int attempt = 0; attempt < 50 && !DeleteFileA(path); attempt++)
        Sleep(20);
}

void sc__temp_dir_remove(const char *dir)
{
    char pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAA found;

    snprintf(pattern, sizeof pattern, "%s*", dir);
    HANDLE search = FindFirstFileA(pattern, &found);
    if (search != INVALID_HANDLE_VALUE) {
        do {
            if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                continue;
            snprintf(path, sizeof path, "%s%s", dir, found.cFileName);
            delete_with_retry(path);
        } while (FindNextFileA(search, &found));
        FindClose(search);
    }
    RemoveDirectoryA(dir);
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

int sc__temp_dir_teardown(void **state)
{
    sc__temp_dir_remove(*state);
    free(*state);
    return 0;
}
