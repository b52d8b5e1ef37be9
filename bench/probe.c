/*
 * The launch-cost probes: launch_client.exe (built with SC_PROBE_USES_DLL and
 * linked against sharedcounter.dll) loads the DLL, increments once and
 * exits; launch_plain.exe is the same program minus the DLL. counter_bench
 * starts both without arguments and times them from start to exit, so the
 * DLL is all that differs between the two timings.
 */
#include <stdio.h>

#include "options.h"
#include "sharedcounter.h"

#ifdef SC_PROBE_USES_DLL
#define PROGRAM "launch_client"
#define WHAT "loads sharedcounter.dll, adds 1 to its counter and exits"
#else
#define PROGRAM "launch_plain"
#define WHAT "starts and exits, like launch_client but without the DLL"
#endif

/* Only --help and --version: anything else is bad usage. */
static int answer(int argc, char **argv)
{
    switch (sc__parse_args(argc, argv, PROGRAM, NULL, 0)) {
    case SC_ARGS_HELP:
        printf("usage: " PROGRAM " [--help | --version]\n\n" PROGRAM " " WHAT
               ".\ncounter_bench times it to measure what a client pays for "
               "the DLL.\n");
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
