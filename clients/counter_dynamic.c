/*
 * An interactive client of sharedcounter.dll that loads the DLL at run time,
 * from its own folder, instead of linking its import library. It behaves
 * like counter_client, and says clearly what is wrong when the DLL or one
 * of its functions is missing.
 */
#include <stdio.h>

#include <windows.h>

#include "client.h"
#include "find_function.h"
#include "spawn.h"
#include "win32_error.h"

#define NAME "counter_dynamic"
#define DLL_NAME "sharedcounter.dll"

static sc__any_fn find(HMODULE dll, const char *path, const char *symbol)
{
    sc__any_fn function = sc__find_function(dll, symbol);
    char why[300];

    if (function == NULL)
        fprintf(stderr, NAME ": %s has no function %s: %s\n", path, symbol,
                sc__win32_message(GetLastError(), why, sizeof why));
    return function;
}

/* The DLL stays loaded until the process exits: the counter lives only
 * while some process has it loaded. */
static int connect_dynamic(struct sc_counter_ops *ops)
{
    char dir[MAX_PATH], path[MAX_PATH + sizeof DLL_NAME], why[300];

    if (sc__program_dir(dir, sizeof dir) != 0) {
        fputs(NAME ": cannot find the folder of this program\n", stderr);
        return 1;
    }
    snprintf(path, sizeof path, "%s" DLL_NAME, dir);
    HMODULE dll = LoadLibraryA(path);
    if (dll == NULL) {
        fprintf(stderr, NAME ": cannot load %s: %s\n", path,
                sc__win32_message(GetLastError(), why, sizeof why));
        return 1;
    }
    sc__any_fn add = find(dll, path, "sc_add");
    sc__any_fn get = find(dll, path, "sc_get");
    if (add == NULL || get == NULL)
        return 1;
    ops->add = (int64_t(*)(int64_t))add;
    ops->get = (int64_t(*)(void))get;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct sc_client client = {
        NAME,
        "the counter in sharedcounter.dll (loaded at run time from this\n"
        "program's folder), shared by every process that loads that DLL file",
        0, connect_dynamic};
    return sc__client_main(&client, argc, argv);
}
