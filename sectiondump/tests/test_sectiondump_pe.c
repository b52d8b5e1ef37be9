/* The PE/COFF parser on a DLL and objects built in memory: every field it
 * reports, and a clear error for each kind of damaged or lying file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse_check.h"
#include "pe_builder.h"

static uint8_t pe[SD_PE_SIZE];

static int fresh_pe(void **state)
{
    (void)state;
    sd__pe_build(pe);
    return 0;
}

static void reads_the_headers(void **state)
{
    (void)state;
    struct sd_image image;
    sd__parse_ok(&image, pe, sizeof pe);
    assert_int_equal(image.format, SD_FORMAT_PE32PLUS);
    assert_string_equal(sd_format_name(image.format), "pe32+");
    assert_int_equal(image.pe.machine, 0x8664);
    assert_int_equal(image.pe.characteristics, 0x2022);
    assert_int_equal(image.pe.image_base, 0x180000000ull);
    assert_int_equal(image.pe.entry_point, 0x1000);
    assert_int_equal(image.pe.section_alignment, 0x1000);
    assert_int_equal(image.pe.subsystem, 3);
    assert_int_equal(image.pe.dll_characteristics, 0x160);
    assert_int_equal(image.pe.directory_count, 16);
    sd__parse_done(&image);
}

static void reads_the_sections(void **state)
{
    (void)state;
    struct sd_image image;
    sd__parse_ok(&image, pe, sizeof pe);
    assert_int_equal(image.pe.section_count, 3);
    const struct sd_pe_section *s = image.pe.sections;
    assert_string_equal(s[0].name, ".text");
    assert_string_equal(s[1].name, ".shared");
    assert_string_equal(s[2].name, ".rdata");
    assert_int_equal(s[1].virtual_address, 0x2000);
    assert_int_equal(s[1].virtual_size, 0x200);
    assert_int_equal(s[1].raw_offset, 0x400);
    assert_int_equal(s[1].raw_size, 0x200);
    assert_int_equal(s[1].characteristics, 0xD0000040u);
    assert_int_equal(sd_pe_find_section(&image.pe, ".shared"), 1);
    assert_int_equal(sd_pe_find_section(&image.pe, ".bss"), -1);
    sd__parse_done(&image);
}

static void reads_the_exports(void **state)
{
    (void)state;
    struct sd_image image;
    sd__parse_ok(&image, pe, sizeof pe);
    const struct sd_pe *p = &image.pe;
    assert_string_equal(p->export_dll_name, "test.dll");
    assert_int_equal(p->export_ordinal_base, 1);
    assert_int_equal(p->export_function_count, 2);
    assert_int_equal(p->export_name_count, 2);
    assert_string_equal(p->export_names[0].name, "alpha");
    assert_string_equal(p->export_names[1].name, "beta");
    assert_int_equal(p->export_functions[p->export_names[1].function_index].rva,
                     0x1010);
    assert_null(p->export_functions[0].forwarder);
    sd__parse_done(&image);
}

static void reads_the_imports(void **state)
{
    (void)state;
    struct sd_image image;
    sd__parse_ok(&image, pe, sizeof pe);
    assert_int_equal(image.pe.import_count, 1);
    const struct sd_pe_import_dll *dll = &image.pe.imports[0];
    assert_string_equal(dll->name, "KERNEL32.dll");
    assert_int_equal(dll->function_count, 2);
    assert_string_equal(dll->functions[0].name, "GetTickCount");
    assert_int_equal(dll->functions[0].hint, 0x1234);
    assert_null(dll->functions[1].name);
    assert_int_equal(dll->functions[1].ordinal, 5);
    sd__parse_done(&image);
}

static void forwarders_are_named(void **state)
{
    (void)state;
    /* An export whose RVA lies inside the export directory forwards. */
    sd__put32(pe + SD_PE_RDATA + 0x44, 0x30C0);
    strcpy((char *)pe + SD_PE_RDATA + 0xC0, "OTHER.thing");
    struct sd_image image;
    sd__parse_ok(&image, pe, sizeof pe);
    assert_string_equal(image.pe.export_functions[1].forwarder, "OTHER.thing");
    sd__parse_done(&image);
}

/* The .rdata section ends the file, so any shorter file must be refused. */
static void every_truncation_is_rejected(void **state)
{
    (void)state;
    for (size_t size = 0; size < sizeof pe; size++) {
        struct sd_image image;
        uint8_t *copy = malloc(size + 1);
        assert_non_null(copy);
        memcpy(copy, pe, size);
        assert_int_equal(sd_parse(&image, copy, size), -1);
        assert_true(strlen(image.error) > 0);
        sd_release(&image);
        free(copy);
    }
}

static void bad_signature(void **state)
{
    (void)state;
    sd__put32(pe + 0x3c, 0x10000);
    sd__assert_rejected(pe, sizeof pe, "no PE signature at 0x10000");
    sd__put32(pe + 0x3c, SD_PE_LFANEW);
    pe[SD_PE_LFANEW + 1] = 'X';
    sd__assert_rejected(pe, sizeof pe, "no PE signature at 0x40");
}

static void huge_section_count(void **state)
{
    (void)state;
    sd__put16(pe + SD_PE_FILE_HEADER + 2, 0xFFFF);
    sd__assert_rejected(pe, sizeof pe,
                        "truncated section table: 2232 of 2621400 bytes");
}

static void lying_optional_header(void **state)
{
    (void)state;
    sd__put16(pe + SD_PE_OPTIONAL, 0x999);
    sd__assert_rejected(pe, sizeof pe, "unknown magic 0x999");
    sd__pe_build(pe);
    sd__put32(pe + SD_PE_OPTIONAL + 108, 0xFFFFFFFF);
    sd__assert_rejected(pe, sizeof pe, "data directories do not fit");
    sd__pe_build(pe);
    sd__put16(pe + SD_PE_FILE_HEADER + 16, 0x40);
    sd__assert_rejected(pe, sizeof pe, "optional header: 64 bytes declared");
}

static void section_data_past_the_end(void **state)
{
    (void)state;
    sd__put32(pe + SD_PE_SECTIONS + 80 + 16, 0x10000);
    sd__assert_rejected(pe, sizeof pe, "section 3: raw data 0x600+0x10000");
}

static void lying_export_directory(void **state)
{
    (void)state;
    sd__put32(pe + SD_PE_EXPORTS + 24, 0x7FFFFFFF);
    sd__assert_rejected(pe, sizeof pe, "export name table: 2147483647 entries");
    sd__pe_build(pe);
    sd__put16(pe + SD_PE_RDATA + 0x62, 7);
    sd__assert_rejected(pe, sizeof pe, "ordinal index 7 is outside");
    sd__pe_build(pe);
    sd__put32(pe + SD_PE_RDATA + 0x54, 0x9999);
    sd__assert_rejected(pe, sizeof pe, "export name 1: RVA 0x9999 is in no");
    sd__pe_build(pe);
    pe[SD_PE_RDATA + 0x3FF] = 'A';
    sd__put32(pe + SD_PE_EXPORTS + 12, 0x33FF);
    sd__assert_rejected(pe, sizeof pe,
                        "export DLL name at 0x9ff: no "
                        "terminating NUL");
}

static void rva_beyond_file_data(void **state)
{
    (void)state;
    sd__put32(pe + SD_PE_SECTIONS + 80 + 8, 0x2000); /* .rdata virtual size */
    sd__put32(pe + SD_PE_EXPORTS + 32, 0x3800);
    sd__assert_rejected(pe, sizeof pe, "RVA 0x3800 lies in section 3 beyond");
}

static void unterminated_import_tables(void **state)
{
    (void)state;
    sd__put32(pe + SD_PE_IMPORTS, 0x33F8);
    sd__put64(pe + SD_PE_RDATA + 0x3F8, 0x3320);
    sd__assert_rejected(pe, sizeof pe, "import 0 lookup table: no terminating");
    sd__pe_build(pe);
    sd__put32(pe + SD_PE_OPTIONAL + 120, 0x33F0);
    sd__put32(pe + SD_PE_RDATA + 0x3F0, 0x3280);
    sd__assert_rejected(pe, sizeof pe, "no terminating empty descriptor");
    sd__pe_build(pe);
    sd__put64(pe + SD_PE_LOOKUP, 0x100003320ull);
    sd__assert_rejected(pe, sizeof pe, "RVA 0x100003320 is not 32-bit");
}

/* Thousands of import descriptors that all share one long lookup table:
 * small on disk, but quadratic work. The budget stops it early. */
static void overlapping_tables_are_refused(void **state)
{
    (void)state;
    enum { SIZE = 0x20000, DESCRIPTORS = 3000, ENTRIES = 7000 };
    uint8_t *big = calloc(1, SIZE);
    assert_non_null(big);
    memcpy(big, pe, sizeof pe);
    sd__put32(big + SD_PE_SECTIONS + 80 + 8, SIZE - SD_PE_RDATA);
    sd__put32(big + SD_PE_SECTIONS + 80 + 16, SIZE - SD_PE_RDATA);
    sd__put32(big + SD_PE_OPTIONAL + 56, 0x40000);
    sd__put32(big + SD_PE_OPTIONAL + 120, 0x4000);
    for (int i = 0; i < DESCRIPTORS; i++) {
        uint8_t *desc = big + SD_PE_RDATA + 0x1000 + 20 * i;
        sd__put32(desc, 0x13000);
        sd__put32(desc + 12, 0x3300);
    }
    for (int i = 0; i < ENTRIES; i++)
        sd__put64(big + SD_PE_RDATA + 0x10000 + 8 * i, 0x3320);
    sd__assert_rejected(big, SIZE, "tables overlap too much");
    free(big);
}

/* A COFF object: file header, no optional header, long names in the
 * string table after the symbol table. */
static void reads_an_object(void **state)
{
    (void)state;
    uint8_t obj[128] = {0};
    sd__put16(obj, 0x14c);
    sd__put16(obj + 2, 2);
    sd__put32(obj + 8, 100); /* symbol table */
    sd__put32(obj + 12, 1);  /* one symbol of 18 bytes, then the strings */
    memcpy(obj + 20, ".text", 5);
    sd__put32(obj + 20 + 16, 4);
    sd__put32(obj + 20 + 20, 96);
    sd__put32(obj + 20 + 36, 0x60500020);
    memcpy(obj + 60, "/4", 2);
    sd__put32(obj + 118, 10);
    memcpy(obj + 122, ".dbgx", 5);
    struct sd_image image;
    sd__parse_ok(&image, obj, sizeof obj);
    assert_int_equal(image.format, SD_FORMAT_COFF);
    assert_int_equal(image.pe.machine, 0x14c);
    assert_int_equal(image.pe.section_count, 2);
    assert_string_equal(image.pe.sections[0].name, ".text");
    assert_int_equal(image.pe.sections[0].characteristics, 0x60500020);
    assert_string_equal(image.pe.sections[1].name, ".dbgx");
    sd__parse_done(&image);

    sd__put32(obj + 118, 3);
    sd__assert_rejected(obj, sizeof obj,
                        "section 2 name: offset 0x7a is outside");
    sd__put32(obj + 8, 1000);
    sd__assert_rejected(obj, sizeof obj,
                        "string table at 0x3fa is past the end");
    sd__put16(obj + 16, 8);
    sd__assert_rejected(obj, sizeof obj, "optional header of 8 bytes");
}

static void unknown_format(void **state)
{
    (void)state;
    const char text[] = "hello, world: not a binary at all";
    sd__assert_rejected((const uint8_t *)text, sizeof text, "unknown format");
    sd__assert_rejected((const uint8_t *)text, 0, "empty file");
}

/* Each header cut short names itself and how much of it there is. */
static void truncations_say_what_and_how_much(void **state)
{
    (void)state;
    sd__assert_rejected(pe, 2, "truncated DOS header: 2 of 64 bytes");
    sd__assert_rejected(pe, SD_PE_LFANEW + 3,
                        "truncated PE signature: 3 of 4 bytes");
    sd__assert_rejected(pe, SD_PE_FILE_HEADER + 7,
                        "truncated COFF header: 7 of 20 bytes");
    sd__assert_rejected(pe, SD_PE_OPTIONAL + 100,
                        "truncated optional header: 100 of 240 bytes");
    sd__assert_rejected(pe, SD_PE_SECTIONS + 50,
                        "truncated section table: 50 of 120 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(reads_the_headers, fresh_pe),
        cmocka_unit_test_setup(reads_the_sections, fresh_pe),
        cmocka_unit_test_setup(reads_the_exports, fresh_pe),
        cmocka_unit_test_setup(reads_the_imports, fresh_pe),
        cmocka_unit_test_setup(forwarders_are_named, fresh_pe),
        cmocka_unit_test_setup(every_truncation_is_rejected, fresh_pe),
        cmocka_unit_test_setup(bad_signature, fresh_pe),
        cmocka_unit_test_setup(huge_section_count, fresh_pe),
        cmocka_unit_test_setup(lying_optional_header, fresh_pe),
        cmocka_unit_test_setup(section_data_past_the_end, fresh_pe),
        cmocka_unit_test_setup(lying_export_directory, fresh_pe),
        cmocka_unit_test_setup(rva_beyond_file_data, fresh_pe),
        cmocka_unit_test_setup(unterminated_import_tables, fresh_pe),
        cmocka_unit_test_setup(overlapping_tables_are_refused, fresh_pe),
        cmocka_unit_test(reads_an_object),
        cmocka_unit_test(unknown_format),
        cmocka_unit_test_setup(truncations_say_what_and_how_much, fresh_pe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
