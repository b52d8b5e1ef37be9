/* The truth test: every field the tool prints, compared with what binutils
 * (and, for the PE fields objdump does not show, llvm-readobj) prints, on
 * files nobody here wrote: a fixed sample of the PE DLLs that Wine installs,
 * the MinGW-w64 runtime's COFF objects, and ELF programs from /usr/bin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crosscheck.h"
#include "platform.h"
#include "tool_output.h"

/* Files per folder: enough to meet every toolchain's habits, few enough to
 * take seconds. SD_CROSSCHECK_SAMPLE=N checks more (or all). */
enum { DEFAULT_SAMPLE = 40, MIN_CHECKED = 20 };

#define WINE_DIR "/usr/lib/x86_64-linux-gnu/wine"

static struct sd_crosscheck_counts totals;

static size_t sample_size(void)
{
    const char *text = getenv("SD_CROSSCHECK_SAMPLE");
    long n = text != NULL ? strtol(text, NULL, 10) : 0;
    return n > 0 ? (size_t)n : DEFAULT_SAMPLE;
}

void sd__expect_u64(const char *path, const char *what, uint64_t ours,
                    uint64_t theirs, struct sd_crosscheck_counts *counts)
{
    if (ours != theirs)
        fail_msg("%s: %s: sectiondump reads 0x%llx, the reference 0x%llx", path,
                 what, (unsigned long long)ours, (unsigned long long)theirs);
    counts->fields++;
}

void sd__expect_str(const char *path, const char *what, const char *ours,
                    const char *theirs, struct sd_crosscheck_counts *counts)
{
    if (ours == NULL || strcmp(ours, theirs) != 0)
        fail_msg("%s: %s: sectiondump reads '%s', the reference '%s'", path,
                 what, ours ? ours : "(null)", theirs);
    counts->fields++;
}

typedef void check_fn(const char *path, const struct sd_image *image,
                      struct sd_crosscheck_counts *counts);

static void check_file(const char *path, check_fn *check)
{
    unsigned char *data;
    size_t size;
    char error[128];
    if (sd__read_file(path, &data, &size, error, sizeof error) != 0)
        fail_msg("%s: %s", path, error);
    struct sd_image image;
    if (sd_parse(&image, data, size) != 0)
        fail_msg("%s: sectiondump rejects it: %s", path, image.error);
    check(path, &image, &totals);
    totals.files++;
    sd_release(&image);
    free(data);
}

/* Checks a sample of dir; returns how many files were checked. */
static size_t check_sample(const char *dir, const char *suffix,
                           const char *magic, check_fn *check)
{
    char **paths;
    size_t n = sd__sample_files(dir, suffix, magic, sample_size(), &paths);
    for (size_t i = 0; i < n; i++) {
        check_file(paths[i], check);
        free(paths[i]);
    }
    free(paths);
    return n;
}

static void require_tool(const char *tool)
{
    if (!sd__tool_exists(tool)) {
        print_message("skipped: %s is not installed "
                      "(scripts/install-deps.sh installs it)\n",
                      tool);
        skip();
    }
}

/* The same sample for both PE references. */
static void check_pe_sample(const char *tool, check_fn *check)
{
    require_tool(tool);
    size_t dlls = check_sample(WINE_DIR "/x86_64-windows", ".dll", "MZ", check);
    size_t pe32 = check_sample(WINE_DIR "/i386-windows", ".dll", "MZ", check);
    size_t objects =
        check_sample("/usr/x86_64-w64-mingw32/lib", ".o", "", check);
    print_message("%s: %zu PE32+ DLLs, %zu PE32 DLLs, %zu COFF objects\n", tool,
                  dlls, pe32, objects);
    /* Each kind this sample claims to cover is there, or the test fails:
     * an empty sample would check nothing. */
    assert_true(dlls >= MIN_CHECKED);
    assert_true(pe32 > 0);
    assert_true(objects > 0);
}

static void pe_files_match_objdump(void **state)
{
    (void)state;
    check_pe_sample("x86_64-w64-mingw32-objdump", sd__crosscheck_pe);
}

static void pe_raw_fields_match_llvm_readobj(void **state)
{
    (void)state;
    check_pe_sample("llvm-readobj", sd__crosscheck_pe_raw);
}

static void elf_files_match_readelf(void **state)
{
    (void)state;
    require_tool("readelf");
    size_t n = check_sample("/usr/bin", "", "\177ELF", sd__crosscheck_elf);
    print_message("ELF: %zu files from /usr/bin\n", n);
    assert_true(n >= MIN_CHECKED);
}

static int report(void **state)
{
    (void)state;
    print_message("%zu file checks (a PE file once per reference tool): "
                  "%zu sections, %zu exports, "
                  "%zu imports, %zu dynamic symbols, %zu fields in all\n",
                  totals.files, totals.sections, totals.exports, totals.imports,
                  totals.symbols, totals.fields);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pe_files_match_objdump),
        cmocka_unit_test(pe_raw_fields_match_llvm_readobj),
        cmocka_unit_test(elf_files_match_readelf),
    };
    return cmocka_run_group_tests(tests, NULL, report);
}
