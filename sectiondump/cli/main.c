/* sectiondump: shows the headers, sections, exports, imports and dynamic
 * symbols of a PE/COFF or ELF file, like dumpbin /headers or readelf -S. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_shared.h"
#include "print.h"
#include "read_file.h"
#include "sectiondump.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

struct options {
    const char *path;
    const char *check_shared; /* section name, or NULL */
    int json;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: sectiondump [--json] [--check-shared NAME] FILE\n"
            "\n"
            "Shows the headers and sections of a PE image (EXE, DLL), a COFF\n"
            "object or an ELF file, with section flags in hex and decoded,\n"
            "and the exports and imports (PE) or dynamic symbols (ELF).\n"
            "\n"
            "  --json               print the report as JSON\n"
            "  --check-shared NAME  only check that section NAME is shared,\n"
            "                       readable and writable (PE flags\n"
            "                       Shared|Read|Write); exit 0 if it is, 1 if\n"
            "                       not\n"
            "  -h, --help           show this help\n"
            "  --version            show the version\n"
            "\n"
            "Exit status: 0 success, 1 unreadable or malformed file or failed\n"
            "check, 2 bad usage.\n");
}

/* Returns -1 to go on, or the exit code. */
static int parse_arguments(int argc, char **argv, struct options *opt)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(arg, "--version") == 0) {
            printf("sectiondump %s\n", SC_SD_VERSION);
            return EXIT_OK;
        } else if (strcmp(arg, "--json") == 0) {
            opt->json = 1;
        } else if (strcmp(arg, "--check-shared") == 0 && i + 1 < argc) {
            opt->check_shared = argv[++i];
        } else if (strncmp(arg, "--check-shared=", 15) == 0) {
            opt->check_shared = arg + 15;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr,
                    "sectiondump: unknown or incomplete option '%s'\n"
                    "Try 'sectiondump --help'.\n",
                    arg);
            return EXIT_USAGE;
        } else if (opt->path != NULL) {
            fprintf(stderr,
                    "sectiondump: one FILE at a time, got '%s' and "
                    "'%s'\n",
                    opt->path, arg);
            return EXIT_USAGE;
        } else {
            opt->path = arg;
        }
    }
    if (opt->path == NULL) {
        usage(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

static int inspect(const struct options *opt, const unsigned char *data,
                   size_t size)
{
    struct sc_sd_image image;
    int status = EXIT_OK;
    if (sc_sd_parse(&image, data, size) != 0) {
        fprintf(stderr, "sectiondump: %s: %s\n", opt->path, image.error);
        status = EXIT_FAILED;
    } else if (opt->check_shared != NULL) {
        status = sc__sd_check_shared(stdout, stderr, opt->path, &image,
                                     opt->check_shared) == 0
                     ? EXIT_OK
                     : EXIT_FAILED;
    } else if (opt->json) {
        sc__sd_print_json(stdout, opt->path, &image);
    } else {
        sc__sd_print_text(stdout, opt->path, &image);
    }
    sc_sd_release(&image);
    return status;
}

int main(int argc, char **argv)
{
    struct options opt = {0};
    int status = parse_arguments(argc, argv, &opt);
    if (status >= 0)
        return status;
    unsigned char *data;
    size_t size;
    char error[128];
    if (sc__sd_read_file(opt.path, &data, &size, error, sizeof error) != 0) {
        fprintf(stderr, "sectiondump: %s: %s\n", opt.path, error);
        return EXIT_FAILED;
    }
    status = inspect(&opt, data, size);
    free(data);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "sectiondump: cannot write the report\n");
        return EXIT_FAILED;
    }
    return status;
}
