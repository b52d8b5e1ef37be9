/* Text, paths, modules and handles on Windows; see text_paths.h. */
#include "text_paths.h"

#include <stdlib.h>
#include <string.h>

/* The "\\?\" prefix, and its form for \\server\share paths. */
static const wchar_t VERBATIM[] = L"\\\\?\\";
static const wchar_t VERBATIM_UNC[] = L"\\\\?\\UNC\\";

void sc__close_handle(HANDLE *h)
{
    if (*h != NULL && *h != INVALID_HANDLE_VALUE)
        CloseHandle(*h);
    *h = NULL;
}

sc__any_fn sc__find_function(HMODULE module, const char *name)
{
    return (sc__any_fn)GetProcAddress(module, name);
}

wchar_t *sc__wide_from_utf8(const char *text)
{
    int n =
        MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, NULL, 0);
    wchar_t *wide = n > 0 ? malloc((size_t)n * sizeof *wide) : NULL;

    if (n > 0 && wide == NULL)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    if (wide != NULL && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text,
                                            -1, wide, n) != n) {
        free(wide);
        wide = NULL;
    }
    return wide;
}

char *sc__utf8_from_wide(const wchar_t *text)
{
    int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text, -1, NULL,
                                0, NULL, NULL);
    char *utf8 = n > 0 ? malloc((size_t)n) : NULL;

    if (n > 0 && utf8 == NULL)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    if (utf8 != NULL && WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text,
                                            -1, utf8, n, NULL, NULL) != n) {
        free(utf8);
        utf8 = NULL;
    }
    return utf8;
}

/* prefix followed by rest, in a new string. */
static wchar_t *join_wide(const wchar_t *prefix, const wchar_t *rest)
{
    size_t a = wcslen(prefix), b = wcslen(rest);
    wchar_t *joined = malloc((a + b + 1) * sizeof *joined);

    if (joined == NULL) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    memcpy(joined, prefix, a * sizeof *joined);
    memcpy(joined + a, rest, (b + 1) * sizeof *joined);
    return joined;
}

static wchar_t *full_path(const wchar_t *path)
{
    DWORD size = GetFullPathNameW(path, 0, NULL, NULL);
    wchar_t *full = size > 0 ? malloc(size * sizeof *full) : NULL;

    if (size > 0 && full == NULL)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    if (full != NULL) {
        DWORD len = GetFullPathNameW(path, size, full, NULL);
        if (len == 0 || len >= size) {
            free(full);
            full = NULL;
        }
    }
    return full;
}

wchar_t *sc__wide_path(const char *path)
{
    wchar_t *given = sc__wide_from_utf8(path);

    if (given == NULL || wcsncmp(given, VERBATIM, wcslen(VERBATIM)) == 0)
        return given;
    wchar_t *full = full_path(given);
    free(given);
    /* Short paths stay as they are. A folder needs room for a file name of
     * 8.3 characters below MAX_PATH, hence the 12. */
    if (full == NULL || wcslen(full) < MAX_PATH - 12)
        return full;
    /* "\\?\" turns off the parsing that also imposes MAX_PATH; the path is
     * already full and clean, which that form requires. */
    wchar_t *verbatim = wcsncmp(full, L"\\\\", 2) == 0
                            ? join_wide(VERBATIM_UNC, full + 2)
                            : join_wide(VERBATIM, full);
    free(full);
    return verbatim;
}

/* GetModuleFileNameW cuts the path to fit the buffer it gets, so the
 * buffer grows until the path fits: a path can be 32,767 characters long. */
wchar_t *sc__module_path(HMODULE module)
{
    for (DWORD size = MAX_PATH; size <= 65536; size *= 2) {
        wchar_t *buf = malloc(size * sizeof *buf);
        if (buf == NULL) {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return NULL;
        }
        DWORD len = GetModuleFileNameW(module, buf, size);
        if (len > 0 && len < size)
            return buf;
        free(buf);
        if (len == 0)
            return NULL;
    }
    SetLastError(ERROR_FILENAME_EXCED_RANGE);
    return NULL;
}

char *sc__program_path(const char *file)
{
    wchar_t *self = sc__module_path(NULL);
    char *path = self != NULL ? sc__utf8_from_wide(self) : NULL;

    free(self);
    if (path == NULL || file == NULL)
        return path;
    /* '\\' never occurs inside a multi-byte UTF-8 character. */
    char *slash = strrchr(path, '\\');
    size_t dir_len = slash != NULL ? (size_t)(slash + 1 - path) : 0;
    char *joined = malloc(dir_len + strlen(file) + 1);
    if (joined != NULL) {
        memcpy(joined, path, dir_len);
        strcpy(joined + dir_len, file);
    } else {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    }
    free(path);
    return joined;
}
