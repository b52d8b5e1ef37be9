/* Counts with sharedcounter.dll through its import library. Any argument
 * stops it before the first call: --help prints what it does, anything else
 * is refused, and neither touches the counter. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sharedcounter.h>

static const char usage[] =
    "usage: example_c [--help]\n"
    "Adds 1, then -3, to the counter of the sharedcounter.dll it loads and\n"
    "prints the version and what each call returned.\n";

int main(int argc, char **argv)
{
    if (argc > 1) {
        if (argc == 2 && strcmp(argv[1], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        fprintf(stderr, "example_c: unknown argument '%s'\n%s", argv[1], usage);
        return 2;
    }

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
