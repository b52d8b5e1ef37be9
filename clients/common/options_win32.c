/* The Windows side of options.h: text on the console, Win32 error codes as
 * text, and whether a handle is a console. */
#include "options.h"

#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text_paths.h"

/* A console shows bytes in its own code page, which cannot hold every
 * character of a path; WriteConsoleW takes the characters themselves. */
static int write_console(FILE *out, const char *text)
{
    HANDLE handle = (HANDLE)_get_osfhandle(_fileno(out));
    DWORD mode, written;

    if (handle == INVALID_HANDLE_VALUE || !GetConsoleMode(handle, &mode))
        return 1;
    wchar_t *wide = sc__wide_from_utf8(text);
    if (wide == NULL)
        return 1;
    fflush(out);
    BOOL ok = WriteConsoleW(handle, wide, (DWORD)wcslen(wide), &written, NULL);
    free(wide);
    return ok ? 0 : -1;
}

int sc__write_text(FILE *out, const char *text)
{
    int status = write_console(out, text);

    if (status <= 0)
        return status;
    return fputs(text, out) < 0 || fflush(out) != 0 ? -1 : 0;
}

/* Our own words where the system's text needs a name filled in or says
 * something misleading for a DLL ("Win32 application"). */
static const struct {
    DWORD error;
    const char *text;
} own_texts[] = {
    {ERROR_BAD_EXE_FORMAT, "not a valid Windows program"},
    {ERROR_EXE_MACHINE_TYPE_MISMATCH, "built for another kind of processor"},
};

/* Copies the system text to out (room for as many characters) on one
 * line: inserts such as "%1" or "%2!d!", which IGNORE_INSERTS leaves in,
 * become "it"; "%n", tabs and line breaks become single spaces. */
static void clean_system_text(const wchar_t *in, wchar_t *out, size_t room)
{
    size_t len = 0;

    for (; *in != L'\0' && len + 3 < room; in++) {
        wchar_t c = *in;
        if (c == L'%' && in[1] >= L'1' && in[1] <= L'9') {
            while (in[1] >= L'0' && in[1] <= L'9')
                in++;
            if (in[1] == L'!' && wcschr(in + 2, L'!') != NULL)
                in = wcschr(in + 2, L'!');
            out[len++] = L'i';
            out[len++] = L't';
            continue;
        }
        if (c == L'%' && in[1] == L'0')
            break;
        if (c == L'%' && in[1] != L'\0')
            c = wcschr(L"nrt", *++in) != NULL ? L' ' : *in;
        if (c == L'\r' || c == L'\n' || c == L'\t')
            c = L' ';
        if (c != L' ' || (len > 0 && out[len - 1] != L' '))
            out[len++] = c;
    }
    /* System messages end in ".\r\n", which would end our sentence early. */
    while (len > 0 && (out[len - 1] == L' ' || out[len - 1] == L'.'))
        len--;
    out[len] = L'\0';
}

static char *system_text(DWORD error)
{
    wchar_t *raw = NULL, clean[512];

    for (size_t i = 0; i < sizeof own_texts / sizeof own_texts[0]; i++)
        if (own_texts[i].error == error)
            return _strdup(own_texts[i].text);
    if (FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER |
                           FORMAT_MESSAGE_FROM_SYSTEM |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       NULL, error, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                       (LPWSTR)&raw, 0, NULL) == 0)
        return NULL;
    clean_system_text(raw, clean, sizeof clean / sizeof clean[0]);
    LocalFree(raw);
    return clean[0] != L'\0' ? sc__utf8_from_wide(clean) : NULL;
}

const char *sc__win32_message(DWORD error, char *buf, size_t size)
{
    char *text = system_text(error);

    if (text == NULL)
        snprintf(buf, size, "error %lu", (unsigned long)error);
    else
        snprintf(buf, size, "%s (error %lu)", text, (unsigned long)error);
    free(text);
    return buf;
}

int sc__is_console(HANDLE handle)
{
    DWORD mode;

    return handle != INVALID_HANDLE_VALUE && handle != NULL &&
           GetConsoleMode(handle, &mode);
}

const char *sc__last_error_text(char *buf, size_t size)
{
    return sc__win32_message(GetLastError(), buf, size);
}
