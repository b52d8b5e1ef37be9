/* The sectiondump program end to end: its usage and exit codes, and what it
 * says about the project's own binaries. The DLL of every Windows toolchain
 * tree must have ".shared" at 0xD0000040 and export exactly the API (the
 * names of dll/sharedcounter.def, when the top level passes them); the
 * baseline EXE must have no shared section; and a native library built with
 * -fvisibility=hidden must export only what SC_API marks. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform.h"
#include "sectiondump.h"
#include "tool_output.h"

/* The Windows build trees, "|"-separated; set by the build. */
static const char windows_trees[] = SD_WINDOWS_TREES;

/* The API's names, from dll/sharedcounter.def when the top level builds this
 * project; configured alone, there is no list and no check of exports. */
#ifdef SD_HAVE_API_NAMES
#include "sc_api_names.h"
/* The layout of the DLL's .shared section, whose size its report gives; on
 * Windows the hardened build's declarations, which name no section. */
#if defined(_WIN32)
#define SC_STORAGE_MAPPING
#endif
#include "counter_storage.h"
#else
static const char *const sc_api_names[] = {NULL};
enum { SC_API_COUNT = 0 };
#endif

/* Runs the tool with args (stderr joined to stdout); returns its exit code. */
static int run(const char *args, struct sd_tool_output *out)
{
    char command[4096];
    snprintf(command, sizeof command, "'%s' %s 2>&1", SD_TOOL, args);
    int exit_code;
    if (sd__tool_capture(out, command, &exit_code) != 0)
        fail_msg("cannot run %s", command);
    return exit_code;
}

static void expect_run(const char *args, int exit_code, const char *contains)
{
    struct sd_tool_output out;
    int got = run(args, &out);
    size_t line = sd__tool_find(&out, 0, contains);
    if (got != exit_code || line == out.count)
        fail_msg("sectiondump %s: exit %d (want %d), no line starting with "
                 "'%s' in:\n%s",
                 args, got, exit_code, contains,
                 out.count ? out.lines[0] : "(nothing)");
    sd__tool_free(&out);
}

static void usage_and_exit_codes(void **state)
{
    (void)state;
    expect_run("--help", 0, "usage: sectiondump");
    expect_run("--version", 0, "sectiondump 0.");
    expect_run("", 2, "sectiondump: no FILE given");
    expect_run("", 2, "Try 'sectiondump --help'.");
    expect_run("--bogus file", 2, "sectiondump: unknown option '--bogus'");
    expect_run("--bogus file", 2, "Try 'sectiondump --help'.");
    expect_run("--check-shared", 2,
               "sectiondump: option needs a value: '--check-shared'");
    expect_run("--max-size 12x " SD_FIXTURE, 2,
               "sectiondump: --max-size wants a positive byte count");
    expect_run("/nonexistent/file.dll", 1,
               "sectiondump: /nonexistent/file.dll: No such file");
}

/* Whether the tool exits with exit_code and some line contains text. */
static bool run_contains(const char *args, int exit_code, const char *text)
{
    struct sd_tool_output out;
    int got = run(args, &out);
    bool found = false;
    for (size_t i = 0; i < out.count && !found; i++)
        found = strstr(out.lines[i], text) != NULL;
    if (got != exit_code || !found)
        print_message("sectiondump %s: exit %d (want %d), '%s' %s\n", args, got,
                      exit_code, text, found ? "found" : "not found");
    sd__tool_free(&out);
    return got == exit_code && found;
}

/* Writes size bytes of data to a fresh temporary file, into path. */
static void temp_file(char *path, const void *data, size_t size)
{
    strcpy(path, "/tmp/sectiondump-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
}

static void malformed_files_fail_in_one_line(void **state)
{
    (void)state;
    unsigned char *lib;
    size_t size;
    char error[128], path[64], args[128];
    assert_int_equal(
        sd__read_file(SD_FIXTURE, &lib, &size, error, sizeof error), 0);
    temp_file(path, lib, 200);
    snprintf(args, sizeof args, "%s", path);
    struct sd_tool_output out;
    assert_int_equal(run(args, &out), 1);
    assert_int_equal(out.count, 1);
    assert_non_null(strstr(out.lines[0], "section table"));
    sd__tool_free(&out);
    unlink(path);
    temp_file(path, "plain text", 10);
    expect_run(path, 1, "sectiondump: /tmp/sectiondump-test-");
    assert_int_equal(run(path, &out), 1);
    assert_non_null(strstr(out.lines[0], "unknown format"));
    sd__tool_free(&out);
    unlink(path);
    free(lib);
}

/* Empty, truncated, special and oversized inputs are refused, each with
 * its own message. */
static void refuses_what_it_cannot_read(void **state)
{
    (void)state;
    char path[64], args[256];
    temp_file(path, "", 0);
    snprintf(args, sizeof args, "%s", path);
    expect_run(args, 1, "sectiondump: /tmp/sectiondump-test-");
    assert_true(run_contains(args, 1, ": empty file"));
    unlink(path);
    temp_file(path, "\177ELF", 4);
    snprintf(args, sizeof args, "%s", path);
    assert_true(run_contains(args, 1, ": truncated ELF header: 4 of 64 bytes"));
    unlink(path);
    temp_file(path, "MZ", 2);
    snprintf(args, sizeof args, "%s", path);
    assert_true(run_contains(args, 1, ": truncated DOS header: 2 of 64 bytes"));
    unlink(path);
    expect_run(
        "/dev/zero", 1,
        "sectiondump: /dev/zero: not a regular file: a character device");
    expect_run("/tmp", 1, "sectiondump: /tmp: not a regular file: a directory");
    snprintf(path, sizeof path, "/tmp/sectiondump-fifo-%ld", (long)getpid());
    assert_int_equal(mkfifo(path, 0600), 0);
    snprintf(args, sizeof args, "%s", path);
    assert_true(run_contains(args, 1, ": not a regular file: a FIFO"));
    unlink(path);
    expect_run("--max-size 100 " SD_FIXTURE, 1,
               "sectiondump: " SD_FIXTURE ": ");
    assert_true(run_contains("--max-size 100 " SD_FIXTURE, 1,
                             "larger than the limit of 100 bytes"));
    assert_true(run_contains("--max-size 1M " SD_FIXTURE, 0, "ELF Header:"));
}

/* --max-size takes every byte count from 1 to UINT64_MAX, and refuses
 * anything else with exit 2 before reading a file. */
static void max_size_bounds(void **state)
{
    (void)state;
    static const char not_a_count[] =
        "sectiondump: --max-size wants a positive byte count, not";
    static const char out_of_range[] =
        "sectiondump: --max-size is out of range (at most "
        "18446744073709551615 bytes)";
    char path[64], args[256];
    temp_file(path, "\177ELF\2", 5);
    snprintf(args, sizeof args, "--max-size 18446744073709551615 %s", path);
    assert_true(run_contains(args, 1, ": truncated ELF header: 5 of 64 bytes"));
    unlink(path);
    assert_true(run_contains("--max-size 18446744073709551615 " SD_FIXTURE, 0,
                             "ELF Header:"));
    assert_true(run_contains("--max-size=18446744073709551615 - < " SD_FIXTURE,
                             0, "ELF Header:"));
    assert_true(
        run_contains("--max-size 17179869183G " SD_FIXTURE, 0, "ELF Header:"));
    expect_run("--max-size 18446744073709551616 " SD_FIXTURE, 2, out_of_range);
    expect_run("--max-size 99999999999999999999999 " SD_FIXTURE, 2,
               out_of_range);
    expect_run("--max-size 17179869184G " SD_FIXTURE, 2, out_of_range);
    expect_run("--max-size -1 " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size -18446744073709551615 " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size '' " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size= " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size ' 5' " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size '5 ' " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size 5KB " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size 0x10 " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size 0 " SD_FIXTURE, 2, not_a_count);
    expect_run("--max-size 0K " SD_FIXTURE, 2, not_a_count);
}

/* Several files: a heading each, the others still dumped when one fails,
 * and exit 1. */
static void several_files(void **state)
{
    (void)state;
    const char *args = SD_FIXTURE " /nonexistent " SD_FIXTURE;
    struct sd_tool_output out;
    assert_int_equal(run(args, &out), 1);
    size_t first = sd__tool_find(&out, 0, "Dump of file " SD_FIXTURE);
    assert_true(first < out.count);
    assert_true(sd__tool_find(&out, first + 1, "Dump of file " SD_FIXTURE) <
                out.count);
    assert_true(sd__tool_find(&out, 0, "sectiondump: /nonexistent: No such") <
                out.count);
    sd__tool_free(&out);
    assert_int_equal(run("--json " SD_FIXTURE " /nonexistent", &out), 1);
    assert_string_equal(out.lines[0], "[");
    assert_string_equal(out.lines[out.count - 1], "]");
    assert_true(sd__tool_find(&out, 0,
                              "{\"file\": \"/nonexistent\", "
                              "\"error\": \"No such file") < out.count);
    sd__tool_free(&out);
    /* One file keeps the single-file form: an object, not an array. */
    assert_int_equal(run("--json " SD_FIXTURE, &out), 0);
    assert_string_equal(out.lines[0], "{");
    sd__tool_free(&out);
}

/* "-" reads standard input, from a file or a pipe, within the same limit. */
static void reads_standard_input(void **state)
{
    (void)state;
    assert_true(run_contains("- < " SD_FIXTURE, 0, "Dump of file -"));
    char args[512];
    snprintf(args, sizeof args, "- 2>&1 < /dev/null; cat '%s' | '%s' -",
             SD_FIXTURE, SD_TOOL);
    assert_true(run_contains(args, 0, "ELF Header:"));
    assert_true(run_contains("--max-size 1K - < " SD_FIXTURE, 1,
                             "sectiondump: -: larger than the limit of 1024"));
    assert_true(run_contains("- < /dev/null", 1, "sectiondump: -: empty file"));
}

/* --json reports errors and --check-shared verdicts as JSON on stdout. */
static void json_errors_and_verdicts(void **state)
{
    (void)state;
    struct sd_tool_output out;
    char command[256];
    snprintf(command, sizeof command, "'%s' --json /nonexistent 2>/dev/null",
             SD_TOOL);
    int exit_code;
    assert_int_equal(sd__tool_capture(&out, command, &exit_code), 0);
    assert_int_equal(exit_code, 1);
    assert_int_equal(out.count, 1);
    assert_string_equal(out.lines[0],
                        "{\"file\": \"/nonexistent\", \"error\": \"No such "
                        "file or directory\"}");
    sd__tool_free(&out);
    assert_true(run_contains("--json --check-shared .data " SD_FIXTURE, 1,
                             "{\"file\": \"" SD_FIXTURE
                             "\", \"section\": \".data\", \"shared\": "
                             "false, \"error\": \"ELF sections have no"));
}

static int is_exported(const struct sd_elf_symbol *sym)
{
    return sym->section_index != SD_SHN_UNDEF &&
           (sym->binding == SD_STB_GLOBAL || sym->binding == SD_STB_WEAK) &&
           (sym->visibility == SD_STV_DEFAULT ||
            sym->visibility == SD_STV_PROTECTED);
}

/* Of the fixture's symbols, those that SC_API marks and no others. */
static void hidden_visibility_exports_only_marked(void **state)
{
    (void)state;
    unsigned char *data;
    size_t size;
    char error[128];
    assert_int_equal(
        sd__read_file(SD_FIXTURE, &data, &size, error, sizeof error), 0);
    struct sd_image image;
    assert_int_equal(sd_parse(&image, data, size), 0);
    const struct sd_elf *elf = &image.elf;
    assert_true(elf->dynamic_symbol_count > 0);
    int exported = 0, fixture_symbols = 0;
    for (size_t i = 0; i < elf->dynamic_symbol_count; i++) {
        const struct sd_elf_symbol *sym = &elf->dynamic_symbols[i];
        if (strncmp(sym->name, "sc_fixture_", 11) == 0)
            fixture_symbols++;
        if (!is_exported(sym))
            continue;
        print_message("exported: %s\n", sym->name);
        assert_true(strcmp(sym->name, "sc_fixture_exported") == 0 ||
                    strcmp(sym->name, "sc_fixture_exported_data") == 0);
        exported++;
    }
    assert_int_equal(exported, 2);
    /* The hidden ones are not merely hidden: they are not there at all. */
    assert_int_equal(fixture_symbols, 2);
    sd_release(&image);
    free(data);
    expect_run("--check-shared .data " SD_FIXTURE, 1,
               "sectiondump: " SD_FIXTURE ": ELF sections have no shared");
}

/* Index of the line equal to text at or after from; fails if none. */
static size_t line_equal(const struct sd_tool_output *out, size_t from,
                         const char *text)
{
    for (size_t i = from; i < out->count; i++) {
        if (strcmp(out->lines[i], text) == 0)
            return i;
    }
    fail_msg("no line '%s' in sectiondump's report", text);
    return out->count;
}

static void check_dll_report(const char *dll)
{
    struct sd_tool_output out;
    assert_int_equal(run(dll, &out), 0);
    size_t at = line_equal(&out, 0, " .shared name");
    at = line_equal(&out, at, "D0000040 flags");
    assert_string_equal(out.lines[at + 1], "         Initialized Data");
    assert_string_equal(out.lines[at + 2], "         Shared");
    assert_string_equal(out.lines[at + 3], "         Read Write");
#ifdef SD_HAVE_API_NAMES
    /* The DLL's storage alone fills the section, in pages of 0x1000. */
    char summary[64];
    snprintf(summary, sizeof summary, "%12llX .shared",
             (unsigned long long)(sizeof(struct sc_shared_storage) + 0xfff) /
                 0x1000 * 0x1000);
    line_equal(&out, line_equal(&out, at, "  Summary"), summary);
#endif
    sd__tool_free(&out);
}

/* The DLL exports exactly the API, in the export table's byte order. */
static void check_dll_exports(const char *dll)
{
    struct sd_tool_output out;
    char args[4200], exports[512] = "  \"exports\": [";
    for (size_t i = 0; i < SC_API_COUNT; i++)
        snprintf(exports + strlen(exports), sizeof exports - strlen(exports),
                 "%s\"%s\"", i ? ", " : "", sc_api_names[i]);
    strcat(exports, "],");
    snprintf(args, sizeof args, "--json '%s'", dll);
    assert_int_equal(run(args, &out), 0);
    assert_true(sd__tool_find(&out, 0, "\"format\": \"pe32+\"") < out.count);
    line_equal(&out, 0, exports);
    sd__tool_free(&out);
}

/* The baseline program keeps its data private: no section is shared. */
static void check_no_shared_section(const char *exe)
{
    unsigned char *data;
    size_t size;
    char error[128];
    if (sd__read_file(exe, &data, &size, error, sizeof error) != 0)
        fail_msg("%s: %s", exe, error);
    struct sd_image image;
    assert_int_equal(sd_parse(&image, data, size), 0);
    assert_true(image.pe.section_count > 0);
    for (size_t i = 0; i < image.pe.section_count; i++) {
        if (image.pe.sections[i].characteristics & SD_SCN_MEM_SHARED)
            fail_msg("%s: section %s is shared", exe,
                     image.pe.sections[i].name);
    }
    sd_release(&image);
    free(data);
}

/* The import library lists every API function as an import from
 * sharedcounter.dll: GNU ld writes the long form, lld the short one. */
static void check_import_library(const char *tree)
{
    char args[4200];
    snprintf(args, sizeof args, "--json '%s/dll/libsharedcounter.dll.a'", tree);
    struct sd_tool_output out;
    assert_int_equal(run(args, &out), 0);
    assert_true(sd__tool_find(&out, 0, "\"format\": \"archive\"") < out.count);
    for (size_t i = 0; i < SC_API_COUNT; i++) {
        char symbol[64];
        snprintf(symbol, sizeof symbol, "\"symbol\": \"%s\"", sc_api_names[i]);
        bool found = false;
        for (size_t j = 0; j < out.count && !found; j++)
            found =
                strstr(out.lines[j], symbol) != NULL &&
                strstr(out.lines[j], "\"kind\": \"import\"") != NULL &&
                strstr(out.lines[j], "\"dll\": \"sharedcounter.dll\"") != NULL;
        if (!found)
            fail_msg("%s: no import of %s from sharedcounter.dll", args,
                     sc_api_names[i]);
    }
    sd__tool_free(&out);
}

static void check_tree(const char *tree, const char *dll)
{
    char args[4200];
    snprintf(args, sizeof args, "--check-shared .shared '%s'", dll);
    expect_run(args, 0, "sectiondump: ");
    check_dll_report(dll);
    snprintf(args, sizeof args,
             "--check-shared .shared '%s/bin/shared_exe_counter.exe'", tree);
    expect_run(args, 0, "sectiondump: ");
    char exe[4096];
    snprintf(exe, sizeof exe, "%s/bin/private_counter.exe", tree);
    snprintf(args, sizeof args, "--check-shared .shared '%s'", exe);
    expect_run(args, 1, "sectiondump: ");
    check_no_shared_section(exe);
}

/* Writes tree's DLL path into dll, or skips the test if it is not built. */
static void built_dll(const char *tree, char *dll, size_t size)
{
    if (tree == NULL) {
        print_message("skipped: no Windows tree given (SC_WINDOWS_TREES)\n");
        skip();
        return;
    }
    snprintf(dll, size, "%s/bin/sharedcounter.dll", tree);
    if (access(dll, R_OK) != 0) {
        print_message("skipped: %s is not built (configure the Windows trees "
                      "first, as 'make build' does)\n",
                      dll);
        skip();
    }
}

static void windows_tree(void **state)
{
    char dll[4096];
    built_dll(*state, dll, sizeof dll);
    check_tree(*state, dll);
}

static void windows_tree_exports(void **state)
{
    char dll[4096];
    built_dll(*state, dll, sizeof dll);
    if (SC_API_COUNT == 0) {
        print_message("skipped: sectiondump was configured alone, so it has "
                      "no API list from dll/sharedcounter.def; configure "
                      "the project's top level to check the exports\n");
        skip();
    }
    check_dll_exports(dll);
    check_import_library(*state);
}

int main(void)
{
    /* Two tests per Windows tree, named after it. */
    static char trees[sizeof windows_trees];
    memcpy(trees, windows_trees, sizeof trees);
    char *tree[2] = {strtok(trees, "|"), NULL};
    tree[1] = tree[0] ? strtok(NULL, "|") : NULL;
    static char exports_name[2][sizeof windows_trees + 16];
    for (int i = 0; i < 2; i++)
        snprintf(exports_name[i], sizeof exports_name[i], "exports of %s",
                 tree[i] ? tree[i] : i == 0 ? "windows tree 1"
                                            : "windows tree 2");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usage_and_exit_codes),
        cmocka_unit_test(malformed_files_fail_in_one_line),
        cmocka_unit_test(refuses_what_it_cannot_read),
        cmocka_unit_test(max_size_bounds),
        cmocka_unit_test(several_files),
        cmocka_unit_test(reads_standard_input),
        cmocka_unit_test(json_errors_and_verdicts),
        cmocka_unit_test(hidden_visibility_exports_only_marked),
        {tree[0] ? tree[0] : "windows tree 1", windows_tree, NULL, NULL,
         tree[0]},
        {tree[1] ? tree[1] : "windows tree 2", windows_tree, NULL, NULL,
         tree[1]},
        {exports_name[0], windows_tree_exports, NULL, NULL, tree[0]},
        {exports_name[1], windows_tree_exports, NULL, NULL, tree[1]},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
