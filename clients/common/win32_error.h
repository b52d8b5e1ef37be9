/* Win32 error codes as text, for the messages of the clients. */
#ifndef SC_WIN32_ERROR_H
#define SC_WIN32_ERROR_H

#include <stddef.h>

#include <windows.h>

/* Writes "<system message> (error <code>)" into buf, always NUL-terminated;
 * just "error <code>" when the system has no text for it. Returns buf. */
const char *sc__win32_message(DWORD error, char *buf, size_t size);

#endif /* SC_WIN32_ERROR_H */
