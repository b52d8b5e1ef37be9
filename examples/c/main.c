/* Counts with sharedcounter.dll through its import library. */
#include <inttypes.h>
#include <stdio.h>

#include <sharedcounter.h>

int main(void)
{
    uint32_t version = sc_version();
    int64_t delta = -3;

    printf("sc_version: %u.%u.%u\n", (unsigned)(version >> 16),
           (unsigned)(version >> 8 & 0xff), (unsigned)(version & 0xff));
    printf("sc_increment: %" PRId64 "\n", sc_increment());
    printf("sc_add(%" PRId64 "): %" PRId64 "\n", delta, sc_add(delta));
    printf("sc_get: %" PRId64 "\n", sc_get());
    if (version != SC_VERSION_HEX) {
        fprintf(stderr, "example_c: built for sharedcounter %s, loaded 0x%06x\n",
                SC_VERSION_STRING, (unsigned)version);
        return 1;
    }
    return 0;
}
