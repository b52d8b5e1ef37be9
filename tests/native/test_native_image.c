/* libsharedcounter.so as sectiondump's parser reads it: the dynamic symbol
 * table defines exactly the .def's names, all under one version node; the
 * SONAME is libsharedcounter.so.0; and the sc_shared section fills whole
 * pages of its own after the RELRO part of the writable segment, in the
 * library and in an executable with an SC_SHARED variable, and whole
 * 64 KiB pages in an executable linked for them. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "image.h"
#include "support.h"
#include "sc_api_names.h"
#include "sectiondump.h"

enum { PAGE = 4096, MAX_NAMES = 64, SHN_ABS = 0xfff1 };

static const struct sd_elf_section *find_section(const struct sd_elf *elf,
                                                 const char *name)
{
    for (size_t i = 1; i < elf->section_count; i++)
        if (strcmp(elf->sections[i].name, name) == 0)
            return &elf->sections[i];
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SC_SYMBOL_VERSIONS: the nodes of the version script, separated by '|'. */
static int version_node_named(const char *name)
{
    size_t len = strlen(name);

    for (const char *at = SC_SYMBOL_VERSIONS; *at != '\0';) {
        size_t node = strcspn(at, "|");
        if (node == len && strncmp(at, name, len) == 0)
            return 1;
        at += node + (at[node] == '|');
    }
    return 0;
}

static size_t count_version_nodes(void)
{
    size_t n = 1;

    for (const char *at = SC_SYMBOL_VERSIONS; *at != '\0'; at++)
        n += *at == '|';
    return n;
}

/* Every name of the .def, each under the node of its version, and nothing
 * else. */
static void exports_exactly_the_def_list(void **state)
{
    const char *found[MAX_NAMES];
    size_t have = 0;
    size_t version_nodes = 0;
    struct sc_test_image l;

    (void)state;
    sc__test_image_load_path(&l, SC_LIBRARY_FILE);
    assert_int_equal(l.parsed.format, SD_FORMAT_ELF64);
    const struct sd_elf *elf = &l.parsed.elf;
    assert_int_not_equal(elf->dynamic_symbol_section, 0);
    for (size_t i = 1; i < elf->dynamic_symbol_count; i++) {
        const struct sd_elf_symbol *s = &elf->dynamic_symbols[i];
        if (s->section_index == SD_SHN_UNDEF)
            continue;
        if (s->section_index == SHN_ABS && version_node_named(s->name)) {
            version_nodes++;
            continue;
        }
        assert_true(have < MAX_NAMES);
        assert_int_equal(s->visibility, SD_STV_DEFAULT);
        found[have++] = s->name;
    }
    /* sc_api_names is sorted by byte value, as strcmp sorts. */
    qsort(found, have, sizeof *found, by_name);
    for (size_t i = 0; i < SC_API_COUNT || i < have; i++)
        assert_string_equal(i < have ? found[i] : "(nothing more)",
                            i < SC_API_COUNT ? sc_api_names[i]
                                             : "(nothing more)");
    assert_int_equal(version_nodes, count_version_nodes());
    sc__test_image_free(&l);
}

/* The file name carries the full version; its SONAME, in .dynstr, only the
 * major one. */
static void soname_has_the_major_version(void **state)
{
    char target[256];
    struct sc_test_image l;

    (void)state;
    ssize_t n = readlink(SC_SONAME_FILE, target, sizeof target - 1);
    assert_true(n > 0);
    target[n] = '\0';
    assert_string_equal(target, "libsharedcounter.so." SC_VERSION_TEXT);
    sc__test_image_load_path(&l, SC_LIBRARY_FILE);
    assert_int_equal(l.parsed.format, SD_FORMAT_ELF64);
    const struct sd_elf_section *dynstr =
        find_section(&l.parsed.elf, ".dynstr");
    assert_non_null(dynstr);
    assert_true(dynstr->offset + dynstr->size <= l.size);
    const char *strings = (const char *)l.data + dynstr->offset;
    int seen = 0;
    for (size_t at = 0; at < dynstr->size; at += strlen(strings + at) + 1)
        seen |= strcmp(strings + at, "libsharedcounter.so.0") == 0;
    assert_true(seen);
    sc__test_image_free(&l);
}

/* RELRO covers the writable sections the loader fills and then protects:
 * up to the end of .got, rounded up to a page. */
static uint64_t relro_end(const struct sd_elf *elf)
{
    static const char *const relro[] = {".init_array", ".fini_array",
                                        ".data.rel.ro", ".dynamic", ".got"};
    uint64_t end = 0;

    for (size_t i = 0; i < sizeof relro / sizeof relro[0]; i++) {
        const struct sd_elf_section *s = find_section(elf, relro[i]);
        if (s != NULL && s->address + s->size > end)
            end = s->address + s->size;
    }
    return (end + PAGE - 1) / PAGE * PAGE;
}

/* sc_shared of the image at path fills whole pages of page bytes. */
static void assert_shared_pages(const char *path, uint64_t page)
{
    struct sc_test_image l;

    sc__test_image_load_path(&l, path);
    assert_int_equal(l.parsed.format, SD_FORMAT_ELF64);
    const struct sd_elf *elf = &l.parsed.elf;
    const struct sd_elf_section *shared = find_section(elf, "sc_shared");
    if (shared == NULL)
        fail_msg("%s has no sc_shared section", path);
    assert_int_not_equal(shared->type, SD_SHT_NOBITS);
    assert_int_equal(shared->address % page, 0);
    assert_int_equal(shared->size % page, 0);
    assert_true(shared->size > 0);
    assert_true(shared->address >= relro_end(elf));
    /* No other allocated section shares one of its pages. */
    for (size_t i = 1; i < elf->section_count; i++) {
        const struct sd_elf_section *s = &elf->sections[i];
        if (s == shared || s->size == 0 || (s->flags & 2) == 0)
            continue;
        if (s->address < shared->address + shared->size &&
            shared->address < s->address + s->size)
            fail_msg("%s: section %s overlaps sc_shared's pages", path,
                     s->name);
    }
    sc__test_image_free(&l);
}

static void library_section_fills_whole_pages_outside_relro(void **state)
{
    (void)state;
    assert_shared_pages(SC_LIBRARY_FILE, PAGE);
}

static void executable_section_fills_whole_pages_outside_relro(void **state)
{
    (void)state;
    assert_shared_pages(SC_SHARED_EXE, PAGE);
}

/* Linked for larger pages, the section follows: it must be whole pages on
 * any kernel that the image's page size allows it to run on. */
static void section_follows_the_largest_page_size(void **state)
{
    (void)state;
    assert_shared_pages(SC_SHARED_EXE_64K, 65536);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exports_exactly_the_def_list),
        cmocka_unit_test(soname_has_the_major_version),
        cmocka_unit_test(library_section_fills_whole_pages_outside_relro),
        cmocka_unit_test(executable_section_fills_whole_pages_outside_relro),
        cmocka_unit_test(section_follows_the_largest_page_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
