/* The POSIX side of the client runner (runner.h): stdin read as bytes with
 * read(), and the loaded library's version and path, found with dladdr. */
#define _GNU_SOURCE

#include "runner.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* dladdr names the file as the loader opened it: through the SONAME link,
 * or as dlopen was given it. realpath shows the file itself. */
int sc__print_versions(const char *program, const void *library_function,
                       uint32_t library_version)
{
    Dl_info info;

    if (sc__print_program_version(program) != 0)
        return SC_EXIT_FAILURE;
    if (library_function == NULL)
        return SC_EXIT_OK;
    if (dladdr(library_function, &info) == 0 || info.dli_fname == NULL) {
        sc__error(program, "cannot find the path of the library");
        return SC_EXIT_FAILURE;
    }
    char *path = realpath(info.dli_fname, NULL);
    printf("Library version: %u.%u.%u\nLibrary path:    %s\n",
           (unsigned)(library_version >> 16),
           (unsigned)(library_version >> 8) & 0xff,
           (unsigned)library_version & 0xff,
           path != NULL ? path : info.dli_fname);
    free(path);
    return fflush(stdout) == 0 && !ferror(stdout) ? SC_EXIT_OK
                                                  : SC_EXIT_FAILURE;
}

int sc__client_refill(struct sc_client *client)
{
    ssize_t got;

    do
        got = read(STDIN_FILENO, client->buffer, sizeof client->buffer);
    while (got < 0 && errno == EINTR);
    if (got >= 0) {
        client->start = 0;
        client->end = (size_t)got;
        return got > 0;
    }
    sc__error(client->name, "cannot read stdin: %s; stopped", strerror(errno));
    return -1;
}

int sc__stdin_is_terminal(void)
{
    return isatty(STDIN_FILENO);
}
