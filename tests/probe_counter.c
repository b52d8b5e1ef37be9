/*
 * probe_counter: a program linked against sharedcounter.dll, for tests that
 * put another DLL in its place. Prints "version V value N" after one
 * sc_increment(), waits for end of input (the parent may inspect the
 * counter meanwhile), then prints "value N" from sc_get() and exits 0.
 * --help and --version answer without touching the counter.
 */
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "sharedcounter.h"

static const char usage[] =
    "usage: probe_counter [--help | --version]\n"
    "\n"
    "Adds 1 to the counter of the sharedcounter.dll beside it and prints\n"
    "\"version V value N\"; reads standard input to its end, then prints\n"
    "\"value N\" with the counter's value at that moment.\n"
    "\n"
    "--help     show this help\n"
    "--version  show the program's version\n";

static int probe(void)
{
    printf("version %#x value %lld\n", (unsigned)sc_version(),
           (long long)sc_increment());
    fflush(stdout);
    while (getchar() != EOF)
        continue;
    printf("value %lld\n", (long long)sc_get());
    return SC_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return probe();
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout);
        return SC_EXIT_OK;
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0)
        return sc__print_program_version("probe_counter") == 0
                   ? SC_EXIT_OK
                   : SC_EXIT_FAILURE;
    return sc__usage_error("probe_counter", "unexpected argument \"%s\"",
                           argv[1]);
}
