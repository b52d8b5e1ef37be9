/* The archive parser on libraries built in memory: GNU's long-form import
 * library, Microsoft's short import objects, a static library, and a clear
 * error for each kind of damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "archive_builder.h"
#include "parse_check.h"
#include "pe_builder.h"

static struct sd__ar ar;

/* An x64 thunk: the ordinal with the top bit set, or zero for a name. */
static void thunk(uint8_t *slot, uint16_t ordinal)
{
    memset(slot, 0, 8);
    if (ordinal != 0) {
        sd__put16(slot, ordinal);
        slot[7] = 0x80;
    }
}

/* What GNU dlltool writes: a tail with the DLL name, a head, and one
 * member per import, named through the "//" table. */
static void build_gnu_import_library(void)
{
    static const char names[] = "libt_dll_a_s00000.o/\nlibt_dll_a_s00001.o/\n";
    uint8_t object[512], slot[8], zeros[8] = {0};
    static const char dll[20] = "sharedcounter.dll";
    static const char hint_name[10] = "\x06\x00sc_add";
    sd__ar_start(&ar);
    sd__ar_add(&ar, "/", "\0\0\0\0", 4);
    sd__ar_add(&ar, "//", names, sizeof names - 1);
    struct sd__coff_section tail[] = {
        {".idata$4", zeros, 8}, {".idata$5", zeros, 8}, {".idata$7", dll, 20}};
    sd__ar_add(&ar, "libt_dll_a_t.o/", object,
               sd__coff_object(object, tail, 3));
    struct sd__coff_section head[] = {{".idata$2", zeros, 8}};
    sd__ar_add(&ar, "libt_dll_a_h.o/", object,
               sd__coff_object(object, head, 1));
    thunk(slot, 0);
    struct sd__coff_section by_name[] = {{".idata$7", zeros, 4},
                                         {".idata$5", slot, 8},
                                         {".idata$4", slot, 8},
                                         {".idata$6", hint_name, 10}};
    sd__ar_add(&ar, "/0", object, sd__coff_object(object, by_name, 4));
    thunk(slot, 5);
    struct sd__coff_section by_ordinal[] = {
        {".idata$7", zeros, 4}, {".idata$5", slot, 8}, {".idata$4", slot, 8}};
    sd__ar_add(&ar, "/21", object, sd__coff_object(object, by_ordinal, 3));
}

static void gnu_long_form_imports(void **state)
{
    (void)state;
    build_gnu_import_library();
    struct sd_image image;
    sd__parse_ok(&image, ar.data, ar.size);
    assert_int_equal(image.format, SD_FORMAT_ARCHIVE);
    assert_string_equal(sd_format_name(image.format), "archive");
    const struct sd_archive_member *m = image.archive.members;
    assert_int_equal(image.archive.member_count, 6);
    assert_int_equal(m[0].kind, SD_MEMBER_SYMBOL_TABLE);
    assert_int_equal(m[1].kind, SD_MEMBER_NAME_TABLE);
    assert_string_equal(m[2].name, "libt_dll_a_t.o");
    assert_int_equal(m[2].import_part, SD_IMPORT_TAIL);
    assert_string_equal(m[2].import_dll, "sharedcounter.dll");
    assert_int_equal(m[3].import_part, SD_IMPORT_HEAD);
    assert_string_equal(m[4].name, "libt_dll_a_s00000.o");
    assert_int_equal(m[4].kind, SD_MEMBER_IMPORT);
    assert_int_equal(m[4].import_form, SD_IMPORT_LONG);
    assert_int_equal(m[4].import_part, SD_IMPORT_FUNCTION);
    assert_string_equal(m[4].import_symbol, "sc_add");
    assert_int_equal(m[4].import_hint, 6);
    assert_string_equal(m[4].import_dll, "sharedcounter.dll");
    assert_string_equal(m[5].name, "libt_dll_a_s00001.o");
    assert_true(m[5].by_ordinal);
    assert_int_equal(m[5].import_hint, 5);
    assert_null(m[5].import_symbol);
    assert_string_equal(m[5].import_dll, "sharedcounter.dll");
    sd__parse_done(&image);
}

/* What lld and link.exe write: two linker members, NUL-ended long names,
 * and a 20-byte import object per symbol. */
static void short_import_objects(void **state)
{
    (void)state;
    static const char names[] = "a_rather_long_member.obj\0";
    uint8_t object[128];
    sd__ar_start(&ar);
    sd__ar_add(&ar, "/", "\0\0\0\0", 4);
    sd__ar_add(&ar, "/", "\0\0\0\0", 4);
    sd__ar_add(&ar, "//", names, sizeof names - 1);
    sd__ar_add(&ar, "t.dll/", object,
               sd__short_import(object, 3, 0, 1, "sc_get", "t.dll"));
    sd__ar_add(&ar, "t.dll/", object,
               sd__short_import(object, 4, 1, 1, "sc_data", "t.dll"));
    sd__ar_add(&ar, "/0", object,
               sd__short_import(object, 9, 0, 0, "sc_hidden", "t.dll"));
    struct sd_image image;
    sd__parse_ok(&image, ar.data, ar.size);
    const struct sd_archive_member *m = image.archive.members;
    assert_int_equal(image.archive.member_count, 6);
    assert_int_equal(m[1].kind, SD_MEMBER_SYMBOL_TABLE);
    assert_string_equal(m[3].name, "t.dll");
    assert_int_equal(m[3].import_form, SD_IMPORT_SHORT);
    assert_int_equal(m[3].machine, 0x8664);
    assert_string_equal(m[3].import_symbol, "sc_get");
    assert_string_equal(m[3].import_dll, "t.dll");
    assert_int_equal(m[3].import_hint, 3);
    assert_int_equal(m[3].import_type, 0);
    assert_int_equal(m[4].import_type, 1);
    assert_string_equal(m[5].name, "a_rather_long_member.obj");
    assert_true(m[5].by_ordinal);
    assert_int_equal(m[5].import_hint, 9);
    assert_null(m[5].import_symbol);
    sd__parse_done(&image);
}

static void static_library(void **state)
{
    (void)state;
    uint8_t object[256];
    struct sd__coff_section text[] = {{".text", "\xc3", 1}};
    sd__ar_start(&ar);
    sd__ar_add(&ar, "code.o/", object, sd__coff_object(object, text, 1));
    sd__ar_add(&ar, "notes.txt/", "plain text", 10);
    struct sd_image image;
    sd__parse_ok(&image, ar.data, ar.size);
    const struct sd_archive_member *m = image.archive.members;
    assert_int_equal(image.archive.member_count, 2);
    assert_string_equal(m[0].name, "code.o");
    assert_int_equal(m[0].kind, SD_MEMBER_OBJECT);
    assert_int_equal(m[0].machine, 0x8664);
    assert_string_equal(m[1].name, "notes.txt");
    assert_int_equal(m[1].kind, SD_MEMBER_OTHER);
    sd__parse_done(&image);
}

static void damaged_archives(void **state)
{
    (void)state;
    build_gnu_import_library();
    sd__assert_rejected(ar.data, 18,
                        "truncated archive member header: "
                        "10 of 60 bytes");
    sd__assert_rejected(ar.data, 8 + 60 + 2,
                        "truncated archive member: 2 of 4 bytes");
    struct sd__ar copy = ar;
    copy.data[8 + 58] = 'x';
    sd__assert_rejected(copy.data, copy.size,
                        "archive member header at 0x8 "
                        "is damaged");
    copy = ar;
    memcpy(copy.data + 8 + 48, "1x", 2);
    sd__assert_rejected(copy.data, copy.size, "is damaged");
    sd__ar_start(&ar);
    sd__ar_add(&ar, "/5", "x", 1);
    sd__assert_rejected(ar.data, ar.size,
                        "member name /5: no long name "
                        "table holds it");
    uint8_t object[64];
    sd__ar_start(&ar);
    size_t size = sd__short_import(object, 1, 0, 1, "sym", "x.dll");
    sd__ar_add(&ar, "x.dll/", object, size - 3);
    sd__assert_rejected(ar.data, ar.size, "import object DLL name");
}

/* Every prefix of a library either parses or says why not, in one line;
 * AddressSanitizer (native tree) catches any read past the end. */
static void every_prefix_is_safe(void **state)
{
    (void)state;
    build_gnu_import_library();
    for (size_t size = 8; size <= ar.size; size++) {
        uint8_t *exact = malloc(size);
        assert_non_null(exact);
        memcpy(exact, ar.data, size);
        struct sd_image image;
        if (sd_parse(&image, exact, size) != 0) {
            assert_true(strlen(image.error) > 0);
            assert_null(strchr(image.error, '\n'));
        }
        sd_release(&image);
        free(exact);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gnu_long_form_imports),
        cmocka_unit_test(short_import_objects),
        cmocka_unit_test(static_library),
        cmocka_unit_test(damaged_archives),
        cmocka_unit_test(every_prefix_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
