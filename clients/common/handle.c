/* Closing Win32 handles; see handle.h. */
#include "handle.h"

void sc__close_handle(HANDLE *h)
{
    if (*h != NULL && *h != INVALID_HANDLE_VALUE)
        CloseHandle(*h);
    *h = NULL;
}
