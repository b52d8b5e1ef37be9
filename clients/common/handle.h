/* Closing Win32 handles that may never have been opened. */
#ifndef SC_HANDLE_H
#define SC_HANDLE_H

#include <windows.h>

/* Closes *h unless it holds no handle (NULL or INVALID_HANDLE_VALUE), then
 * sets it to NULL, so that a second call does nothing. */
void sc__close_handle(HANDLE *h);

#endif /* SC_HANDLE_H */
