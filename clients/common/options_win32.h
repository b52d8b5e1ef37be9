/*
 * The Windows part of options.h: Win32 error codes as text, and whether a
 * handle is a console.
 */
#ifndef SC_OPTIONS_WIN32_H
#define SC_OPTIONS_WIN32_H

#include <stddef.h>

#include <windows.h>

/* Writes "<system text> (error <code>)" into buf, always NUL-terminated and
 * UTF-8, on one line and with no "%1" left where the system text expects
 * the caller to fill in a name. Just "error <code>" when the system has no
 * text. Returns buf. */
const char *sc__win32_message(DWORD error, char *buf, size_t size);

/* Whether handle is a console (rather than a pipe or a file). */
int sc__is_console(HANDLE handle);

#endif /* SC_OPTIONS_WIN32_H */
