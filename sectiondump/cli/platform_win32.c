/* Windows: the command line and file names in UTF-16, converted to and from
 * UTF-8, so that any name works whatever the ANSI code page; absolute paths
 * of MAX_PATH or more get the \\?\ prefix that lifts the limit. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include <shellapi.h>

#include "platform.h"

/* UTF-8 of a UTF-16 string, malloc'ed; NULL when it cannot convert. */
static char *to_utf8(const wchar_t *text)
{
    int size = WideCharToMultiByte(CP_UTF8, 0, text, -1, NULL, 0, NULL, NULL);
    char *utf8 = size > 0 ? malloc((size_t)size) : NULL;
    if (utf8 != NULL && WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, size,
                                            NULL, NULL) <= 0) {
        free(utf8);
        utf8 = NULL;
    }
    return utf8;
}

static wchar_t *to_utf16(const char *text)
{
    int size =
        MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, NULL, 0);
    wchar_t *wide = size > 0 ? malloc((size_t)size * sizeof *wide) : NULL;
    if (wide != NULL && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text,
                                            -1, wide, size) <= 0) {
        free(wide);
        wide = NULL;
    }
    return wide;
}

/* The arguments live as long as the process, so they are never freed. */
int sd__utf8_arguments(int *argc, char ***argv)
{
    int count;
    wchar_t **wide = CommandLineToArgvW(GetCommandLineW(), &count);
    if (wide == NULL)
        return -1;
    char **utf8 = calloc((size_t)count + 1, sizeof *utf8);
    for (int i = 0; utf8 != NULL && i < count; i++) {
        utf8[i] = to_utf8(wide[i]);
        if (utf8[i] == NULL)
            return -1;
    }
    LocalFree(wide);
    if (utf8 == NULL)
        return -1;
    *argc = count;
    *argv = utf8;
    return 0;
}

/* The full path, with \\?\ (or \\?\UNC\ for \\server\share) when it is too
 * long for the plain form. */
static wchar_t *long_path(const wchar_t *path)
{
    DWORD length = GetFullPathNameW(path, 0, NULL, NULL);
    wchar_t *full = length ? malloc((length + 8) * sizeof *full) : NULL;
    if (full == NULL || GetFullPathNameW(path, length, full + 8, NULL) == 0) {
        free(full);
        return NULL;
    }
    wchar_t *start = full + 8;
    bool unc = start[0] == L'\\' && start[1] == L'\\';
    if (wcslen(start) < MAX_PATH || (unc && start[2] == L'?'))
        return memmove(full, start, (wcslen(start) + 1) * sizeof *full);
    if (unc) {
        start -= 6; /* \\server -> \\?\UNC\server */
        memcpy(start, L"\\\\?\\UNC", 7 * sizeof *start);
    } else {
        start -= 4;
        memcpy(start, L"\\\\?\\", 4 * sizeof *start);
    }
    return memmove(full, start, (wcslen(start) + 1) * sizeof *full);
}

/* The few errors a user can act on, worded as on POSIX. */
static void describe(DWORD code, char *error, size_t error_size)
{
    switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME:
        snprintf(error, error_size, "No such file or directory");
        break;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
        snprintf(error, error_size, "Permission denied");
        break;
    default:
        snprintf(error, error_size, "cannot read (Windows error %lu)",
                 (unsigned long)code);
    }
}

static int read_handle(HANDLE handle, uint64_t max_size, unsigned char **data,
                       size_t *size, char *error, size_t error_size)
{
    struct sd__buffer buffer = {0};
    for (;;) {
        if (sd__buffer_reserve(&buffer, max_size, error, error_size) != 0)
            return -1;
        size_t room = buffer.capacity - buffer.size;
        DWORD got = 0;
        BOOL ok =
            ReadFile(handle, buffer.data + buffer.size,
                     room > 0x40000000 ? 0x40000000 : (DWORD)room, &got, NULL);
        /* A pipe whose writer has gone reports it as an error. */
        if (!ok && GetLastError() != ERROR_BROKEN_PIPE) {
            describe(GetLastError(), error, error_size);
            free(buffer.data);
            return -1;
        }
        if (got == 0)
            break;
        buffer.size += got;
    }
    return sd__buffer_finish(&buffer, max_size, data, size, error, error_size);
}

static HANDLE open_regular(const wchar_t *path, uint64_t max_size, char *error,
                           size_t error_size)
{
    DWORD attributes = GetFileAttributesW(path);
    if (attributes != INVALID_FILE_ATTRIBUTES &&
        (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
        snprintf(error, error_size, "not a regular file: a directory");
        return INVALID_HANDLE_VALUE;
    }
    HANDLE handle =
        CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                    NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (handle == INVALID_HANDLE_VALUE) {
        describe(GetLastError(), error, error_size);
        return handle;
    }
    LARGE_INTEGER file_size;
    if (GetFileType(handle) != FILE_TYPE_DISK)
        snprintf(error, error_size, "not a regular file: a device or pipe");
    else if (GetFileSizeEx(handle, &file_size) &&
             (uint64_t)file_size.QuadPart > max_size)
        snprintf(error, error_size,
                 "%llu bytes, larger than the limit of %llu bytes (see "
                 "--max-size)",
                 (unsigned long long)file_size.QuadPart,
                 (unsigned long long)max_size);
    else
        return handle;
    CloseHandle(handle);
    return INVALID_HANDLE_VALUE;
}

int sd__read_input(const char *path, uint64_t max_size, unsigned char **data,
                   size_t *size, char *error, size_t error_size)
{
    if (strcmp(path, "-") == 0)
        return read_handle(GetStdHandle(STD_INPUT_HANDLE), max_size, data, size,
                           error, error_size);
    wchar_t *wide = to_utf16(path);
    wchar_t *full = wide != NULL ? long_path(wide) : NULL;
    free(wide);
    if (full == NULL) {
        snprintf(error, error_size, "not a valid file name");
        return -1;
    }
    HANDLE handle = open_regular(full, max_size, error, error_size);
    free(full);
    if (handle == INVALID_HANDLE_VALUE)
        return -1;
    int rc = read_handle(handle, max_size, data, size, error, error_size);
    CloseHandle(handle);
    return rc;
}
