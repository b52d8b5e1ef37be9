/*
 * The running program's own path, and on Windows, where text is UTF-8
 * inside the project and UTF-16 in the wide system functions: the
 * conversions, full paths of any length (handed on as "\\?\" paths past
 * MAX_PATH), module paths and functions, and closing handles.
 */
#ifndef SC_TEXT_PATHS_H
#define SC_TEXT_PATHS_H

#include <stddef.h>

#if defined(_WIN32)
#include <wchar.h>

#include <windows.h>
#define SC_EXE_SUFFIX ".exe"
#else
#define SC_EXE_SUFFIX ""
#endif

/* The full UTF-8 path of file in the running program's folder; on Windows,
 * with file NULL, of the program itself. A new string for free(), or NULL
 * (see GetLastError() or errno). */
char *sc__program_path(const char *file);

#if defined(_WIN32)
/* A UTF-8 string in UTF-16, or back, as a new string for free(); NULL when
 * the text is not valid (unpaired surrogates included): a path that does
 * not convert exactly would name another file. */
wchar_t *sc__wide_from_utf8(const char *text);
char *sc__utf8_from_wide(const wchar_t *text);

/* path (UTF-8, relative to the current folder or absolute) as a full UTF-16
 * path that the wide file functions take at any length. A new string for
 * free(), or NULL (see GetLastError()). */
wchar_t *sc__wide_path(const char *path);

/* The full path of module (NULL: the program), of any length; a new string
 * for free(), or NULL (see GetLastError()). */
wchar_t *sc__module_path(HMODULE module);

/* GetProcAddress's result as the one generic function type, which tells
 * the compiler that the cast to the real type is intended. NULL when
 * module has no such function (see GetLastError()). */
typedef void (*sc__any_fn)(void);
sc__any_fn sc__find_function(HMODULE module, const char *name);

/* Closes *h unless it is NULL or INVALID_HANDLE_VALUE, then sets it to
 * NULL, so that a second call does nothing. */
void sc__close_handle(HANDLE *h);
#endif

#endif /* SC_TEXT_PATHS_H */
