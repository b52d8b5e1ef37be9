/* Win32 error codes as text; see win32_error.h. */
#include "win32_error.h"

#include <stdio.h>
#include <string.h>

const char *sc__win32_message(DWORD error, char *buf, size_t size)
{
    char text[256];
    DWORD len = FormatMessageA(
        FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, error,
        MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), text, sizeof text, NULL);

    /* System messages end in ".\r\n", which would break our one-line
     * messages. */
    while (len > 0 && strchr(" .\r\n", text[len - 1]) != NULL)
        len--;
    if (len == 0)
        snprintf(buf, size, "error %lu", (unsigned long)error);
    else
        snprintf(buf, size, "%.*s (error %lu)", (int)len, text,
                 (unsigned long)error);
    return buf;
}
