/*
 * The text and path helpers that the programs share and that are not about
 * child processes: the running program's own path; and on Windows, where
 * every path and argument is UTF-8 inside the project and UTF-16 in the
 * system's wide functions, the conversions between the two, full paths of
 * any length, the paths and functions of loaded modules, and closing
 * handles.
 *
 * Paths longer than MAX_PATH are handed on in their extended-length
 * ("\\?\") form, and names outside the ANSI code page work.
 */
#ifndef SC_TEXT_PATHS_H
#define SC_TEXT_PATHS_H

#include <stddef.h>

#if defined(_WIN32)
#include <wchar.h>

#include <windows.h>
#endif

/* What a program's file name ends with. */
#if defined(_WIN32)
#define SC_EXE_SUFFIX ".exe"
#else
#define SC_EXE_SUFFIX ""
#endif

/* The full path (UTF-8) of file in the running program's folder; on
 * Windows, with file NULL, of the program itself. A new string for free(),
 * or NULL (see GetLastError() or errno). */
char *sc__program_path(const char *file);

#if defined(_WIN32)

/* ---- text ---------------------------------------------------------------- */

/* The UTF-16 form of a UTF-8 string, or the UTF-8 form of a UTF-16 one,
 * in a new string for free(). NULL when text is not valid UTF-8 (UTF-16,
 * unpaired surrogates included) or memory runs out: a path that does not
 * convert exactly would name another file. */
wchar_t *sc__wide_from_utf8(const char *text);
char *sc__utf8_from_wide(const wchar_t *text);

/* ---- paths --------------------------------------------------------------- */

/* path (UTF-8, absolute or relative to the current folder) as a full
 * UTF-16 path that the wide file functions accept at any length: with the
 * "\\?\" prefix when it is too long for MAX_PATH. A new string for free(),
 * or NULL (see GetLastError()). */
wchar_t *sc__wide_path(const char *path);

/* The full path of module (NULL: the running program), of any length; a
 * new string for free(), or NULL (see GetLastError()). */
wchar_t *sc__module_path(HMODULE module);

/* ---- modules and handles ------------------------------------------------- */

/* The generic function pointer type, the one home of GetProcAddress's
 * results in the project: converting the result through it, and from it to
 * the real type, tells the compiler that the change of signature is
 * intended (no function-type-mismatch warning). */
typedef void (*sc__any_fn)(void);

/* The function module exports as name, or NULL (see GetLastError()). */
sc__any_fn sc__find_function(HMODULE module, const char *name);

/* Closes *h unless it holds no handle (NULL or INVALID_HANDLE_VALUE), then
 * sets it to NULL, so that a second call does nothing. */
void sc__close_handle(HANDLE *h);

#endif /* _WIN32 */

#endif /* SC_TEXT_PATHS_H */
