/*
 * An interactive client of libsharedcounter.so that loads the library at
 * run time instead of linking it: dlopen by its SONAME, dlsym for each
 * function, and every command a call through the pointer it got (the
 * runner, runner.h, makes the calls and prints what they return). It says
 * clearly what is wrong when the library or one of its functions is
 * missing.
 *
 * dlopen searches for the name as the loader does for a linked library:
 * LD_LIBRARY_PATH, this program's RUNPATH (the build tree's library
 * folder), then the system's folders.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

#include "runner.h"

#define NAME "counter_dynamic"
#define LIBRARY_SONAME "libsharedcounter.so.0"

struct sharedcounter {
    void *handle;
    struct sc_counter_calls calls;
};

/* dlsym returns a void *; ISO C has no conversion from it to a function
 * pointer, so the pointer's bytes are copied into one instead. */
static int find(const struct sharedcounter *library, const char *symbol,
                void *function)
{
    void *address = dlsym(library->handle, symbol);

    if (address == NULL) {
        sc__error(NAME, "%s has no function %s: %s", LIBRARY_SONAME, symbol,
                  dlerror());
        return -1;
    }
    memcpy(function, &address, sizeof address);
    return 0;
}

/* The library stays loaded until the process exits: the counter lives
 * only while some process has it loaded. */
static int load(struct sharedcounter *library)
{
    library->handle = dlopen(LIBRARY_SONAME, RTLD_NOW);
    if (library->handle == NULL) {
        sc__error(NAME, "cannot load %s: %s", LIBRARY_SONAME, dlerror());
        return -1;
    }
    if (find(library, "sc_get", &library->calls.get) != 0 ||
        find(library, "sc_add", &library->calls.add) != 0 ||
        find(library, "sc_exchange", &library->calls.exchange) != 0 ||
        find(library, "sc_version", &library->calls.version) != 0)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    struct sc_client client = {
        .name = NAME,
        .counter = "the counter in libsharedcounter.so (loaded at run time\n"
                   "by its name " LIBRARY_SONAME "), shared by every process\n"
                   "of this user that loads that library file"};
    struct sharedcounter library = {.handle = NULL};
    int status = sc__client_parse(&client, argc, argv);

    if (status != SC_CLIENT_RUN)
        return status;
    if (load(&library) != 0)
        return SC_EXIT_FAILURE;
    return sc__client_run(&client, &library.calls);
}
