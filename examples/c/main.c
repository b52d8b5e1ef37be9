/* Counts with sharedcounter.dll through its import library. Any argument
 * stops it before the first update: --help prints what it does,
 * --wait-change MS only waits for another process's update, anything else
 * is refused, and none of them changes the counter. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sharedcounter.h>

static const char usage[] =
    "usage: example_c [--help | --wait-change MS]\n"
    "Adds 1, then -3, to the counter of the sharedcounter.dll it loads and\n"
    "prints the version and what each call returned.\n"
    "--wait-change MS adds nothing: it waits up to MS milliseconds for\n"
    "another process to change the counter, and prints what it saw.\n";

/* sc_wait() sleeps until the counter differs from the value it is given,
 * so a process can follow the counter without polling it. */
static int wait_change(const char *ms_text)
{
    char *end;
    unsigned long ms = strtoul(ms_text, &end, 10);

    if (*ms_text == '\0' || *end != '\0' || ms >= SC_WAIT_FOREVER) {
        fprintf(stderr, "example_c: bad milliseconds '%s'\n%s", ms_text, usage);
        return 2;
    }
    int64_t seen = sc_get(), now;
    int changed = sc_wait(seen, (uint32_t)ms, &now);
    if (changed < 0) {
        fprintf(stderr, "example_c: sc_wait failed\n");
        return 1;
    }
    printf("sc_wait: %s, %" PRId64 " -> %" PRId64 "\n",
           changed ? "changed" : "timed out", seen, now);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        if (argc == 2 && strcmp(argv[1], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (argc == 3 && strcmp(argv[1], "--wait-change") == 0)
            return wait_change(argv[2]);
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
        fprintf(stderr,
                "example_c: built for sharedcounter %s, loaded 0x%06x\n",
                SC_VERSION_STRING, (unsigned)version);
        return 1;
    }
    return 0;
}
