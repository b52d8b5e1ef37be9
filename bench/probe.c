/*
 * The launch-cost probes: launch_client.exe (built with SC_PROBE_USES_DLL and
 * linked against sharedcounter.dll) loads the DLL, increments once and
 * exits; launch_plain.exe is the same program minus the DLL. counter_bench
 * starts both without arguments and times them from start to exit, so the
 * DLL is all that differs between the two timings.
 */
#include <stdio.h>
#include <string.h>

#include "sharedcounter.h"

#ifdef SC_PROBE_USES_DLL
#define PROGRAM "launch_client"
#define WHAT "loads sharedcounter.dll, adds 1 to its counter and exits"
#else
#define PROGRAM "launch_plain"
#define WHAT "starts and exits, like launch_client but without the DLL"
#endif

static int answer(const char *arg)
{
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        printf("usage: " PROGRAM "\n\n" PROGRAM " " WHAT ".\n"
               "counter_bench times it to measure what a client pays for "
               "the DLL.\n");
        return 0;
    }
    if (strcmp(arg, "--version") == 0) {
        printf(PROGRAM " (sharedcounter) " SC_VERSION_STRING "\n");
        return 0;
    }
    fprintf(stderr,
            PROGRAM ": unknown option: '%s'\nTry '" PROGRAM " --help'.\n", arg);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return answer(argv[1]);
#ifdef SC_PROBE_USES_DLL
    sc_increment();
#endif
    return 0;
}
