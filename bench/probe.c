/*
 * The launch-cost probes: launch_client (built with SC_PROBE_USES_DLL and
 * linked against the library, sharedcounter.dll or libsharedcounter.so)
 * loads the library, increments once and exits; launch_plain is the same
 * program minus the library. The benchmark starts both without arguments
 * and times them from start to exit, so the library is all that differs
 * between the two timings.
 */
#include <stdio.h>

#include "options.h"
#include "sharedcounter.h"

#ifdef SC_PROBE_USES_DLL
#define PROGRAM "launch_client"
#define WHAT "loads the sharedcounter library, adds 1 to its counter and exits"
#else
#define PROGRAM "launch_plain"
#define WHAT "starts and exits, like launch_client but without the library"
#endif

/* Only --help and --version: anything else is bad usage. */
static int answer(int argc, char **argv)
{
    switch (sc__parse_args(argc, argv, PROGRAM, NULL, 0)) {
    case SC_ARGS_HELP:
        printf("usage: " PROGRAM " [--help | --version]\n\n" PROGRAM " " WHAT
               ".\nThe benchmark times it to measure what a client pays for "
               "the library.\n");
        return SC_EXIT_OK;
    case SC_ARGS_VERSION:
        return sc__print_program_version(PROGRAM) == 0 ? SC_EXIT_OK
                                                       : SC_EXIT_FAILURE;
    case SC_ARGS_BAD:
    case SC_ARGS_OK:
        break;
    }
    return SC_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return answer(argc, argv);
#ifdef SC_PROBE_USES_DLL
    sc_increment();
#endif
    return 0;
}
