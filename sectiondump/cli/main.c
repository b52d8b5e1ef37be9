/* sectiondump: shows the headers, sections, exports, imports and dynamic
 * symbols of PE/COFF and ELF files, and the members of archives, like
 * dumpbin /headers or readelf -S. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "report.h"
#include "sectiondump.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

struct options {
    char **paths;
    int path_count;
    const char *check_shared; /* section name, or NULL */
    uint64_t max_size;
    bool json;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: sectiondump [--json] [--check-shared NAME] [--max-size "
            "N] FILE...\n"
            "\n"
            "Shows the headers and sections of a PE image (EXE, DLL), a COFF\n"
            "object or an ELF file, with section flags in hex and decoded,\n"
            "and the exports and imports (PE) or dynamic symbols (ELF); for\n"
            "an archive (.a, .lib), its members and the import objects in it.\n"
            "FILE - reads standard input. With several files, each report\n"
            "starts with \"Dump of file FILE\" (--json: a JSON array).\n"
            "\n"
            "  --json               print the report, or the error, as JSON\n"
            "  --check-shared NAME  only check that section NAME is shared,\n"
            "                       readable and writable (PE flags\n"
            "                       Shared|Read|Write); exit 0 if it is, 1 if\n"
            "                       not\n"
            "  --max-size N         read files of up to N bytes (suffix K, M\n"
            "                       or G for KiB, MiB, GiB; default 1G)\n"
            "  -h, --help           show this help\n"
            "  --version            show the version\n"
            "\n"
            "Exit status: 0 success, 1 a file could not be read or parsed or\n"
            "a check failed (the other files are still shown), 2 bad usage.\n");
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "sectiondump: %s '%s'\nTry 'sectiondump --help'.\n", what,
            arg);
    return EXIT_USAGE;
}

/* A byte count from 1 to UINT64_MAX: digits and an optional K, M or G.
 * Returns NULL, or what is wrong with text, for bad_usage. */
static const char *parse_size(const char *text, uint64_t *out)
{
    static const char not_a_count[] =
        "--max-size wants a positive byte count, not";
    if (text[0] < '0' || text[0] > '9')
        return not_a_count;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    bool too_large = errno == ERANGE;
    const char *units = "KMG";
    const char *unit = *end != '\0' ? strchr(units, *end) : NULL;
    if (*end != '\0' && (unit == NULL || end[1] != '\0'))
        return not_a_count;
    unsigned shift = unit != NULL ? 10u * (unsigned)(unit - units + 1) : 0;
    if (too_large || value > (UINT64_MAX >> shift))
        return "--max-size is out of range (at most 18446744073709551615 "
               "bytes):";
    if (value == 0)
        return not_a_count;
    *out = (uint64_t)value << shift;
    return NULL;
}

/* The value of option name at argv[*i], as "--name VALUE" or
 * "--name=VALUE"; NULL when arg is another option. */
static const char *option_value(int argc, char **argv, int *i, const char *name,
                                bool *missing)
{
    size_t length = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, length) != 0)
        return NULL;
    if (arg[length] == '=')
        return arg + length + 1;
    if (arg[length] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

/* Returns -1 to go on, or the exit code. */
static int parse_arguments(int argc, char **argv, struct options *opt)
{
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value;
        bool missing = false;
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            argv[opt->path_count++] = argv[i];
        } else if (strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(arg, "--version") == 0) {
            printf("sectiondump %s\n", SD_VERSION);
            return EXIT_OK;
        } else if (strcmp(arg, "--json") == 0) {
            opt->json = true;
        } else if ((value = option_value(argc, argv, &i, "--check-shared",
                                         &missing)) != NULL) {
            opt->check_shared = value;
        } else if ((value = option_value(argc, argv, &i, "--max-size",
                                         &missing)) != NULL) {
            const char *wrong = parse_size(value, &opt->max_size);
            if (wrong != NULL)
                return bad_usage(wrong, value);
        } else {
            return bad_usage(
                missing ? "option needs a value:" : "unknown option", arg);
        }
    }
    /* The paths were moved to the front of argv, in order. */
    opt->paths = argv;
    if (opt->path_count == 0) {
        fprintf(stderr, "sectiondump: no FILE given\n"
                        "Try 'sectiondump --help'.\n");
        return EXIT_USAGE;
    }
    return -1;
}

static int report(const struct options *opt, const char *path,
                  const unsigned char *data, size_t size)
{
    struct sd_image image;
    int status = EXIT_OK;
    if (sd_parse(&image, data, size) != 0) {
        sd__print_error(stdout, stderr, opt->json, path, image.error);
        status = EXIT_FAILED;
    } else if (opt->check_shared != NULL) {
        if (sd__check_shared(stdout, stderr, opt->json, path, &image,
                             opt->check_shared) != 0)
            status = EXIT_FAILED;
    } else if (opt->json) {
        sd__print_json(stdout, path, &image);
    } else {
        sd__print_text(stdout, path, &image);
    }
    sd_release(&image);
    return status;
}

static int inspect(const struct options *opt, const char *path)
{
    unsigned char *data;
    size_t size;
    char error[160];
    if (sd__read_input(path, opt->max_size, &data, &size, error,
                       sizeof error) != 0) {
        sd__print_error(stdout, stderr, opt->json, path, error);
        return EXIT_FAILED;
    }
    int status = report(opt, path, data, size);
    free(data);
    return status;
}

/* One file keeps the single-file form; several are separated by a blank
 * line (text, each under its own "Dump of file" heading) or are the
 * elements of a JSON array. */
static int inspect_all(const struct options *opt)
{
    bool array = opt->json && opt->path_count > 1;
    bool separate = !opt->json && opt->check_shared == NULL;
    int status = EXIT_OK;
    if (array)
        printf("[\n");
    for (int i = 0; i < opt->path_count; i++) {
        if (i > 0)
            printf(array ? ",\n" : separate ? "\n" : "");
        if (inspect(opt, opt->paths[i]) != EXIT_OK)
            status = EXIT_FAILED;
        fflush(stdout);
    }
    if (array)
        printf("]\n");
    return status;
}

int main(int argc, char **argv)
{
    struct options opt = {.max_size = SD_DEFAULT_MAX_SIZE};
    if (sd__utf8_arguments(&argc, &argv) != 0) {
        fprintf(stderr, "sectiondump: cannot read the command line\n");
        return EXIT_FAILED;
    }
    int status = parse_arguments(argc, argv, &opt);
    if (status >= 0)
        return status;
    status = inspect_all(&opt);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "sectiondump: cannot write the report\n");
        return EXIT_FAILED;
    }
    return status;
}
