/*
 * probe_counter: a program linked against sharedcounter.dll, for tests that
 * put another DLL in its place. Prints "version V value N" after one
 * sc_increment(), waits for end of input (the parent may inspect the
 * counter meanwhile), then prints "value N" from sc_get() and exits 0.
 */
#include <stdio.h>

#include "sharedcounter.h"

int main(void)
{
    printf("version %#x value %lld\n", (unsigned)sc_version(),
           (long long)sc_increment());
    fflush(stdout);
    while (getchar() != EOF)
        continue;
    printf("value %lld\n", (long long)sc_get());
    return 0;
}
