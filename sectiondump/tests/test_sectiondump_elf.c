/* The ELF parser on files built in memory in all four layouts (32/64-bit,
 * little/big endian): sections, flags, dynamic symbols with binding and
 * visibility, extended section numbering, and errors for lying files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse_check.h"

enum {
    ELF_SIZE = 0x340,
    DYNSYM = 0x100,
    DYNSTR = 0x180,
    SHSTRTAB = 0x1C0,
    SECTIONS = 0x200,
    SECTION_COUNT = 5,
};

static const char dynstr[] = "\0exported\0weak_data";
static const char shstrtab[] = "\0.dynsym\0.dynstr\0.shstrtab\0.bss";

struct layout {
    bool is64;
    bool big_endian;
};

static uint8_t elf[ELF_SIZE];

static void put(const struct layout *l, uint64_t at, uint64_t value,
                unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = 8 * (l->big_endian ? size - 1 - i : i);
        elf[at + i] = (uint8_t)(value >> shift);
    }
}

/* A field that is 4 bytes in ELF32 and 8 in ELF64. */
static void put_word(const struct layout *l, uint64_t at, uint64_t value)
{
    put(l, at, value, l->is64 ? 8 : 4);
}

static unsigned section_size(const struct layout *l)
{
    return l->is64 ? 64 : 40;
}

static uint64_t section_at(const struct layout *l, unsigned index)
{
    return SECTIONS + (uint64_t)index * section_size(l);
}

static void section(const struct layout *l, unsigned index, uint32_t name,
                    uint32_t type, uint64_t flags, uint64_t offset,
                    uint64_t size, uint32_t link, uint64_t entry_size)
{
    uint64_t at = section_at(l, index);
    unsigned w = l->is64 ? 8 : 4;
    put(l, at, name, 4);
    put(l, at + 4, type, 4);
    put_word(l, at + 8, flags);
    put_word(l, at + 8 + w, 0x1000 + offset);
    put_word(l, at + 8 + 2 * w, offset);
    put_word(l, at + 8 + 3 * w, size);
    put(l, at + 8 + 4 * w, link, 4);
    put_word(l, at + 16 + 4 * w, 8);
    put_word(l, at + 16 + 5 * w, entry_size);
}

static void symbol(const struct layout *l, unsigned index, uint32_t name,
                   uint8_t info, uint8_t other, uint16_t shndx)
{
    uint64_t at = DYNSYM + (uint64_t)index * (l->is64 ? 24 : 16);
    put(l, at, name, 4);
    if (l->is64) {
        elf[at + 4] = info;
        elf[at + 5] = other;
        put(l, at + 6, shndx, 2);
        put(l, at + 8, 0x1234, 8);
        put(l, at + 16, 16, 8);
    } else {
        put(l, at + 4, 0x1234, 4);
        put(l, at + 8, 16, 4);
        elf[at + 12] = info;
        elf[at + 13] = other;
        put(l, at + 14, shndx, 2);
    }
}

static void header(const struct layout *l)
{
    memcpy(elf, "\177ELF", 4);
    elf[4] = l->is64 ? 2 : 1;
    elf[5] = l->big_endian ? 2 : 1;
    elf[6] = 1;
    put(l, 16, 3, 2);  /* ET_DYN */
    put(l, 18, 62, 2); /* EM_X86_64 */
    put(l, 20, 1, 4);
    unsigned w = l->is64 ? 8 : 4;
    put_word(l, 24, 0x1040);
    put_word(l, 24 + 2 * w, SECTIONS);
    uint64_t at = 24 + 3 * w;
    put(l, at + 4, l->is64 ? 64 : 52, 2);
    put(l, at + 10, section_size(l), 2);
    put(l, at + 12, SECTION_COUNT, 2);
    put(l, at + 14, 3, 2);
}

static void build(const struct layout *l)
{
    memset(elf, 0, sizeof elf);
    header(l);
    unsigned sym_size = l->is64 ? 24 : 16;
    section(l, 1, 1, 11, 0x2, DYNSYM, 3 * sym_size, 2, sym_size);
    section(l, 2, 9, 3, 0x2, DYNSTR, sizeof dynstr, 0, 0);
    section(l, 3, 17, 3, 0x30, SHSTRTAB, sizeof shstrtab, 0, 1);
    section(l, 4, 27, 8, 0x3, 0x100000, 0x400, 0, 0); /* .bss: no data */
    symbol(l, 1, 1, (1 << 4) | 2, 0, 4);              /* GLOBAL FUNC */
    symbol(l, 2, 10, (2 << 4) | 1, 3, 0); /* WEAK OBJECT, PROTECTED */
    memcpy(elf + DYNSTR, dynstr, sizeof dynstr);
    memcpy(elf + SHSTRTAB, shstrtab, sizeof shstrtab);
}

static const struct layout layouts[] = {
    {false, false}, {false, true}, {true, false}, {true, true}};

static void check_sections(const struct sd_image *image, const struct layout *l)
{
    assert_int_equal(image->format,
                     l->is64 ? SD_FORMAT_ELF64 : SD_FORMAT_ELF32);
    assert_int_equal(image->elf.big_endian, l->big_endian);
    assert_int_equal(image->elf.type, 3);
    assert_int_equal(image->elf.machine, 62);
    assert_int_equal(image->elf.entry, 0x1040);
    assert_int_equal(image->elf.section_count, SECTION_COUNT);
    const struct sd_elf_section *s = image->elf.sections;
    assert_string_equal(s[0].name, "");
    assert_string_equal(s[1].name, ".dynsym");
    assert_string_equal(s[3].name, ".shstrtab");
    assert_string_equal(s[4].name, ".bss");
    assert_int_equal(s[1].type, 11);
    assert_int_equal(s[3].flags, 0x30);
    assert_int_equal(s[4].address, 0x101000);
    assert_int_equal(s[2].offset, DYNSTR);
    assert_int_equal(s[2].size, sizeof dynstr);
}

static void check_symbols(const struct sd_image *image)
{
    const struct sd_elf *e = &image->elf;
    assert_int_equal(e->dynamic_symbol_count, 3);
    assert_int_equal(e->dynamic_symbol_section, 1);
    assert_string_equal(e->dynamic_symbols[0].name, "");
    const struct sd_elf_symbol *f = &e->dynamic_symbols[1];
    assert_string_equal(f->name, "exported");
    assert_int_equal(f->binding, SD_STB_GLOBAL);
    assert_int_equal(f->type, 2);
    assert_int_equal(f->visibility, SD_STV_DEFAULT);
    assert_int_equal(f->section_index, 4);
    assert_int_equal(f->value, 0x1234);
    assert_int_equal(f->size, 16);
    const struct sd_elf_symbol *w = &e->dynamic_symbols[2];
    assert_string_equal(w->name, "weak_data");
    assert_int_equal(w->binding, SD_STB_WEAK);
    assert_int_equal(w->visibility, SD_STV_PROTECTED);
    assert_string_equal(sd_elf_visibility_name(w->visibility), "PROTECTED");
}

static void reads_every_layout(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        build(&layouts[i]);
        struct sd_image image;
        sd__parse_ok(&image, elf, sizeof elf);
        check_sections(&image, &layouts[i]);
        check_symbols(&image);
        sd__parse_done(&image);
    }
}

/* 0xff00 sections or more: e_shnum and e_shstrndx defer to section 0. */
static void extended_section_numbering(void **state)
{
    (void)state;
    const struct layout *l = &layouts[2];
    build(l);
    put(l, 60, 0, 2);
    put(l, 62, 0xffff, 2);
    put_word(l, section_at(l, 0) + 32, SECTION_COUNT);
    put(l, section_at(l, 0) + 40, 3, 4);
    struct sd_image image;
    sd__parse_ok(&image, elf, sizeof elf);
    assert_int_equal(image.elf.section_count, SECTION_COUNT);
    assert_int_equal(image.elf.section_name_index, 3);
    assert_string_equal(image.elf.sections[2].name, ".dynstr");
    sd__parse_done(&image);

    put_word(l, section_at(l, 0) + 32, 0xffffffffffull);
    sd__assert_rejected(elf, sizeof elf,
                        "truncated section table: 320 of 70368744177600 bytes");
}

static void flags_and_types_read_like_readelf(void **state)
{
    (void)state;
    char buf[40];
    assert_string_equal(sd_elf_section_flag_letters(0x7, 62, 0, buf, 16),
                        "WAX");
    assert_string_equal(sd_elf_section_flag_letters(0x32, 62, 0, buf, 16),
                        "AMS");
    assert_string_equal(sd_elf_section_flag_letters(0x240, 62, 0, buf, 16),
                        "IG");
    assert_string_equal(
        sd_elf_section_flag_letters(0x80000000u, 62, 0, buf, 16), "E");
    assert_string_equal(
        sd_elf_section_flag_letters(0x10000002u, 62, 0, buf, 16), "Al");
    /* SHF_GNU_RETAIN has a letter only under the GNU and FreeBSD ABIs. */
    assert_string_equal(
        sd_elf_section_flag_letters(0x00200003u, 62, 0, buf, 16), "WAo");
    assert_string_equal(
        sd_elf_section_flag_letters(0x00200003u, 62, 3, buf, 16), "WAR");
    assert_string_equal(sd_elf_section_type_name(1, 62, buf, sizeof buf),
                        "PROGBITS");
    assert_string_equal(
        sd_elf_section_type_name(0x6ffffff6, 62, buf, sizeof buf), "GNU_HASH");
    assert_string_equal(
        sd_elf_section_type_name(0x70000001, 62, buf, sizeof buf),
        "X86_64_UNWIND");
    assert_string_equal(
        sd_elf_section_type_name(0x60000003, 62, buf, sizeof buf), "LOOS+0x3");
}

static void every_truncation_is_rejected(void **state)
{
    (void)state;
    build(&layouts[3]);
    /* The section table ends the file. */
    for (size_t size = 0; size < sizeof elf; size++)
        sd__assert_rejected(elf, size, "");
}

static void lying_headers(void **state)
{
    (void)state;
    const struct layout *l = &layouts[0];
    build(l);
    elf[4] = 9;
    sd__assert_rejected(elf, sizeof elf, "unknown class 9");
    build(l);
    put(l, 46, 20, 2);
    sd__assert_rejected(elf, sizeof elf, "section headers are 20 bytes each");
    build(l);
    put_word(l, 32, 0xFFFFFFF0u);
    sd__assert_rejected(elf, sizeof elf,
                        "truncated section table: 0 of 200 bytes");
    build(l);
    put(l, 50, 9, 2);
    sd__assert_rejected(elf, sizeof elf, "section name table index 9");
    build(l);
    put(l, section_at(l, 2), 0x500, 4);
    sd__assert_rejected(elf, sizeof elf, "section 2 name: offset");
}

static void lying_sections(void **state)
{
    (void)state;
    const struct layout *l = &layouts[1];
    build(l);
    put_word(l, section_at(l, 2) + 20, 0x7FFFFFFF);
    sd__assert_rejected(elf, sizeof elf,
                        "section 2: contents 0x180+0x7fffffff");
    build(l);
    put_word(l, section_at(l, 1) + 36, 7);
    sd__assert_rejected(elf, sizeof elf, "entry size 7 and size 48");
    build(l);
    put(l, section_at(l, 1) + 24, 4, 4);
    sd__assert_rejected(elf, sizeof elf, "string table (section 4) does not");
    build(l);
    put(l, DYNSYM + 16, 0x300, 4);
    sd__assert_rejected(elf, sizeof elf, "dynamic symbol 1 name: offset 0x480");
    build(l);
    elf[DYNSTR + sizeof dynstr - 1] = 'x';
    sd__assert_rejected(elf, sizeof elf,
                        "dynamic symbol 2 name at 0x18a: no "
                        "terminating NUL");
}

/* A header cut short says so, with how much of it there is. */
static void truncated_header(void **state)
{
    (void)state;
    sd__assert_rejected((const uint8_t *)"\177ELF", 4,
                        "truncated ELF header: 4 of 64 bytes");
    sd__assert_rejected((const uint8_t *)"\177ELF\1\1\1\0\0\0\0\0\0\0\0\0"
                                         "\0\0\0\0",
                        20, "truncated ELF header: 20 of 52 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(truncated_header),
        cmocka_unit_test(reads_every_layout),
        cmocka_unit_test(extended_section_numbering),
        cmocka_unit_test(flags_and_types_read_like_readelf),
        cmocka_unit_test(every_truncation_is_rejected),
        cmocka_unit_test(lying_headers),
        cmocka_unit_test(lying_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
