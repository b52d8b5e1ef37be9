/*
 * An executable with a variable of its own in an SC_SHARED section, the
 * mechanism of shared_exe_counter on Linux: every process started from the
 * same file shares it.
 *     support_shared_exe DELTA          adds DELTA, prints the new value
 *     support_shared_exe DELTA --hold   the same, then waits for the end of
 *                                       its input
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomics.h"
#include "shared_section.h"

SC_SHARED_BEGIN
SC_SHARED static _Alignas(8) sc__atomic64 counter = 0;
SC_SHARED_END

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int64_t delta = atoll(argv[1]);
    printf("%lld\n", (long long)(sc__fetch_add64(&counter, delta) + delta));
    fflush(stdout);
    if (argc > 2 && strcmp(argv[2], "--hold") == 0)
        while (getchar() != EOF)
            continue;
    return 0;
}
