/*
 * Built against the installed package: checks that the header and the
 * library it loaded agree on the version, and that the library counts. The
 * library is a copy of its own (beside this program on Windows, in the
 * installed tree on Linux), with a counter no other process uses.
 */
#include <inttypes.h>
#include <stdio.h>

#include <sharedcounter.h>

int main(void)
{
    uint32_t version = sc_version();
    int64_t before = sc_get();
    int64_t after = sc_increment();

    printf("consumer: header %s (0x%06x), DLL 0x%06x, counter %" PRId64
           " -> %" PRId64 "\n",
           SC_VERSION_STRING, (unsigned)SC_VERSION_HEX, (unsigned)version,
           before, after);
    if (version != SC_VERSION_HEX) {
        fprintf(stderr, "consumer: the library's version is not the header's\n");
        return 1;
    }
    if ((uint64_t)after != (uint64_t)before + 1) {
        fprintf(stderr, "consumer: sc_increment did not add 1\n");
        return 1;
    }
    return 0;
}
