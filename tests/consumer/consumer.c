/*
 * Built against the installed package: checks that the header and the
 * library it loaded agree on the version, and that the library counts, and
 * says so last. The library is a copy of its own (beside this program on
 * Windows, in the installed tree on Linux), with a counter no other process
 * uses.
 */
#include <inttypes.h>
#include <stdio.h>

#include <sharedcounter.h>

int main(void)
{
    uint32_t version = sc_version();
    int64_t before = sc_get();
    int64_t after = sc_increment();

    if (version != SC_VERSION_HEX) {
        fprintf(stderr,
                "consumer: the library's version 0x%06x is not the "
                "header's 0x%06x\n",
                (unsigned)version, (unsigned)SC_VERSION_HEX);
        return 1;
    }
    if ((uint64_t)after != (uint64_t)before + 1) {
        fprintf(stderr,
                "consumer: sc_increment took the counter from %" PRId64
                " to %" PRId64 "\n",
                before, after);
        return 1;
    }
    printf("consumer: header %s (0x%06x), DLL 0x%06x, counter %" PRId64
           " -> %" PRId64 "\n",
           SC_VERSION_STRING, (unsigned)SC_VERSION_HEX, (unsigned)version,
           before, after);
    return 0;
}
