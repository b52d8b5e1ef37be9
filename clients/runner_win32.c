/* The Windows side of the client runner (runner.h): stdin read as bytes
 * with ReadFile, or from a console as the characters typed, and the loaded
 * DLL's version, build and path. */
#include "runner.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text_paths.h"

/* Which build of the library the file is. Each build's VERSIONINFO says so
 * in a string of its own (dll/sharedcounter*.rc). That is read rather than
 * guessed from the file name, because a hardened DLL renamed to
 * sharedcounter.dll is the documented way to use it, and rather than from
 * the sections, because the resource states the intent in one word. */
static const char *dll_build(const wchar_t *path)
{
    static const wchar_t key[] =
        L"\\StringFileInfo\\040904B0\\SharedCounterBuild";
    DWORD ignored, size = GetFileVersionInfoSizeW(path, &ignored);
    void *data = size > 0 ? malloc(size) : NULL;
    const char *build = "unknown (no build in its version resource)";
    wchar_t *value;
    UINT len;

    if (data != NULL && GetFileVersionInfoW(path, 0, size, data) &&
        VerQueryValueW(data, key, (void **)&value, &len) && len > 0) {
        if (wcscmp(value, L"section") == 0)
            build = "section";
        else if (wcscmp(value, L"hardened") == 0)
            build = "hardened";
    }
    free(data);
    return build;
}

static HMODULE module_of(const void *address)
{
    HMODULE module;

    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCWSTR)address, &module))
        return NULL;
    return module;
}

/* A pointer to an imported function can be the program's own import thunk,
 * jmp [rip + disp32] (FF 25), when the compiler took the function's address
 * as a link-time constant, as clang does in a constant initializer: the
 * function is then where the thunk's slot in the import table points,
 * whatever the library's file is called. */
static const void *past_import_thunk(const void *function)
{
    const unsigned char *code = function;
    int32_t displacement;

    if (module_of(function) != GetModuleHandleW(NULL) || code[0] != 0xff ||
        code[1] != 0x25)
        return function;
    memcpy(&displacement, code + 2, sizeof displacement);
    return *(const void *const *)(code + 6 + displacement);
}

int sc__print_versions(const char *program, const void *library_function,
                       uint32_t library_version)
{
    if (sc__print_program_version(program) != 0)
        return SC_EXIT_FAILURE;
    if (library_function == NULL)
        return SC_EXIT_OK;
    HMODULE dll = module_of(past_import_thunk(library_function));
    wchar_t *wide_path = dll != NULL ? sc__module_path(dll) : NULL;
    char *path = wide_path ? sc__utf8_from_wide(wide_path) : NULL;
    int status = SC_EXIT_FAILURE;

    if (path != NULL) {
        printf("DLL version: %u.%u.%u\nDLL build:   %s\nDLL path:    ",
               (unsigned)(library_version >> 16),
               (unsigned)(library_version >> 8) & 0xff,
               (unsigned)library_version & 0xff, dll_build(wide_path));
        status = sc__write_text(stdout, path) == 0 &&
                         sc__write_text(stdout, "\n") == 0
                     ? SC_EXIT_OK
                     : SC_EXIT_FAILURE;
    } else {
        sc__error(program, "cannot find the path of the DLL");
    }
    free(path);
    free(wide_path);
    return status;
}

static int read_failed(struct sc_client *client, DWORD error)
{
    char why[300];

    sc__error(client->name, "cannot read stdin: %s; stopped",
              sc__win32_message(error, why, sizeof why));
    return -1;
}

/* A pipe or a file is read with ReadFile, as bytes: the C library's text
 * mode would end the input at a 0x1A byte and drop '\r's. */
static int read_bytes(struct sc_client *client, HANDLE in)
{
    DWORD got;

    if (ReadFile(in, client->buffer, sizeof client->buffer, &got, NULL)) {
        client->start = 0;
        client->end = got;
        return got > 0;
    }
    DWORD error = GetLastError();
    /* A pipe whose writer has closed it ends like a file. */
    if (error == ERROR_BROKEN_PIPE || error == ERROR_HANDLE_EOF)
        return 0;
    return read_failed(client, error);
}

/* Whether the next character read starts a line: the bytes read before
 * ended one, or there were none. */
static int at_line_start(const struct sc_client *client)
{
    return client->end == 0 || client->buffer[client->end - 1] == '\n';
}

/* A console is read as the characters typed (ReadConsoleW), in UTF-8:
 * ReadFile would hand them over in the console's code page, where "é" is
 * 0x82 and a character the code page lacks is '?'. A UTF-16 unit takes at
 * most 3 bytes of UTF-8, so the buffer holds what one read gives. A
 * surrogate pair split between two reads (U+FFFD in each) can only be in a
 * line far longer than any command, which is refused whole anyway.
 *
 * Ctrl+Z at the start of a line, then ENTER, is the end of the input, as
 * for the programs of cmd.exe; the rest of that line goes with it. */
static int read_console(struct sc_client *client, HANDLE in)
{
    wchar_t typed[SC_READ_BUFFER / 3];
    DWORD got;

    if (!ReadConsoleW(in, typed, sizeof typed / sizeof typed[0], &got, NULL))
        return read_failed(client, GetLastError());
    if (got == 0 || (typed[0] == 0x1a && at_line_start(client)))
        return 0;
    int len = WideCharToMultiByte(CP_UTF8, 0, typed, (int)got, client->buffer,
                                  sizeof client->buffer, NULL, NULL);
    if (len <= 0)
        return read_failed(client, GetLastError());
    client->start = 0;
    client->end = (size_t)len;
    return 1;
}

int sc__client_refill(struct sc_client *client)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);

    return sc__is_console(in) ? read_console(client, in)
                              : read_bytes(client, in);
}

int sc__stdin_is_terminal(void)
{
    return sc__is_console(GetStdHandle(STD_INPUT_HANDLE));
}
