/*
 * An interactive client of sharedcounter.dll that loads the DLL at run time
 * instead of linking its import library: LoadLibraryW on the DLL in this
 * program's own folder, GetProcAddress for each function, and every command
 * a call through the pointer it got (the runner, runner.h, makes the calls
 * and prints what they return). It says clearly what is wrong when the
 * DLL or one of its functions is missing or unusable.
 *
 * Paths are wide strings from end to end, so that a folder whose name the
 * ANSI code page cannot spell (CJK, accents, emoji) works, and of any
 * length; messages show them as UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <wchar.h>

#include <windows.h>

#include "runner.h"
#include "text_paths.h"

#define NAME "counter_dynamic"
#define DLL_NAME "sharedcounter.dll"

struct sharedcounter {
    HMODULE module;
    char *path; /* UTF-8, for messages */
    struct sc_counter_calls calls;
};

static sc__any_fn find(const struct sharedcounter *dll, const char *symbol)
{
    sc__any_fn function = sc__find_function(dll->module, symbol);
    char why[300];

    if (function == NULL)
        sc__error(NAME, "%s has no function %s: %s", dll->path, symbol,
                  sc__win32_message(GetLastError(), why, sizeof why));
    return function;
}

/* The DLL stays loaded until the process exits: the counter lives only
 * while some process has it loaded. */
static int load(struct sharedcounter *dll)
{
    char why[300];

    dll->path = sc__program_path(DLL_NAME);
    wchar_t *path = dll->path != NULL ? sc__wide_from_utf8(dll->path) : NULL;
    if (path == NULL) {
        sc__error(NAME, "cannot find the folder of this program");
        return -1;
    }
    dll->module = LoadLibraryW(path);
    DWORD error = GetLastError();
    free(path);
    if (dll->module == NULL) {
        sc__error(NAME, "cannot load %s: %s", dll->path,
                  sc__win32_message(error, why, sizeof why));
        return -1;
    }
    dll->calls.get = (int64_t(*)(void))find(dll, "sc_get");
    dll->calls.add = (int64_t(*)(int64_t))find(dll, "sc_add");
    dll->calls.exchange = (int64_t(*)(int64_t))find(dll, "sc_exchange");
    dll->calls.version = (uint32_t(*)(void))find(dll, "sc_version");
    if (!dll->calls.get || !dll->calls.add || !dll->calls.exchange ||
        !dll->calls.version)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    struct sc_client client = {
        .name = NAME,
        .counter =
            "the counter in sharedcounter.dll (loaded at run time from\n"
            "this program's folder), shared by every process that loads\n"
            "that DLL file"};
    struct sharedcounter dll = {.module = NULL};
    int status = sc__client_parse(&client, argc, argv);

    if (status != SC_CLIENT_RUN)
        return status;
    status =
        load(&dll) == 0 ? sc__client_run(&client, &dll.calls) : SC_EXIT_FAILURE;
    free(dll.path);
    return status;
}
