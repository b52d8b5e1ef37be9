/* PE images and COFF objects: the file header, the optional header and the
 * section table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pe_internal.h"

enum {
    FILE_HEADER_SIZE = 20,
    SECTION_HEADER_SIZE = 40,
    SYMBOL_SIZE = 18,
    PE32_MAGIC = 0x10b,
    PE32PLUS_MAGIC = 0x20b,
    /* Optional header size up to and including NumberOfRvaAndSizes. */
    PE32_FIXED_SIZE = 96,
    PE32PLUS_FIXED_SIZE = 112,
};

static int parse_file_header(struct sc_sd_image *image,
                             const struct sc__sd_input *in, uint64_t at,
                             uint16_t *section_count, uint16_t *optional_size)
{
    struct sc_sd_pe *pe = &image->pe;
    if (!sc__sd_fits(at, FILE_HEADER_SIZE, in->size))
        return sc__sd_fail(image, "file header at 0x%llx: truncated file",
                           (unsigned long long)at);
    sc__sd_u16(in, at, &pe->machine);
    sc__sd_u16(in, at + 2, section_count);
    sc__sd_u32(in, at + 4, &pe->timestamp);
    sc__sd_u32(in, at + 8, &pe->symbol_table_offset);
    sc__sd_u32(in, at + 12, &pe->symbol_count);
    sc__sd_u16(in, at + 16, optional_size);
    sc__sd_u16(in, at + 18, &pe->characteristics);
    return 0;
}

/* Reads the optional header fields that the tool shows and uses. */
static int parse_optional_header(struct sc_sd_image *image,
                                 const struct sc__sd_input *in, uint64_t at,
                                 uint16_t size)
{
    struct sc_sd_pe *pe = &image->pe;
    if (size < 2 || !sc__sd_u16(in, at, &pe->optional_magic))
        return sc__sd_fail(image, "optional header: truncated");
    bool plus = pe->optional_magic == PE32PLUS_MAGIC;
    if (!plus && pe->optional_magic != PE32_MAGIC)
        return sc__sd_fail(image, "optional header: unknown magic 0x%x",
                           pe->optional_magic);
    unsigned fixed = plus ? PE32PLUS_FIXED_SIZE : PE32_FIXED_SIZE;
    if (size < fixed || !sc__sd_fits(at, size, in->size))
        return sc__sd_fail(image,
                           "optional header: %u bytes declared, %u needed, "
                           "or past the end of the file",
                           size, fixed);
    image->format = plus ? SC_SD_FORMAT_PE32PLUS : SC_SD_FORMAT_PE32;
    sc__sd_u32(in, at + 16, &pe->entry_point);
    if (plus) {
        sc__sd_u64(in, at + 24, &pe->image_base);
    } else {
        uint32_t base;
        sc__sd_u32(in, at + 28, &base);
        pe->image_base = base;
    }
    sc__sd_u32(in, at + 32, &pe->section_alignment);
    sc__sd_u32(in, at + 36, &pe->file_alignment);
    sc__sd_u32(in, at + 56, &pe->size_of_image);
    sc__sd_u32(in, at + 60, &pe->size_of_headers);
    sc__sd_u16(in, at + 68, &pe->subsystem);
    sc__sd_u16(in, at + 70, &pe->dll_characteristics);
    sc__sd_u32(in, at + fixed - 4, &pe->directory_count);
    if (pe->directory_count > (size - fixed) / 8u)
        return sc__sd_fail(image,
                           "optional header: %u data directories do not fit "
                           "in its %u bytes",
                           pe->directory_count, size);
    uint64_t dirs = at + fixed;
    if (pe->directory_count > 0) {
        sc__sd_u32(in, dirs, &pe->export_directory_rva);
        sc__sd_u32(in, dirs + 4, &pe->export_directory_size);
    }
    if (pe->directory_count > 1) {
        sc__sd_u32(in, dirs + 8, &pe->import_directory_rva);
        sc__sd_u32(in, dirs + 12, &pe->import_directory_size);
    }
    return 0;
}

/* "/123" names an entry of the COFF string table, which follows the symbol
 * table; anything else is the name itself, up to 8 bytes. */
static int section_name(struct sc_sd_image *image,
                        const struct sc__sd_input *in, uint64_t at,
                        size_t index, const char **out)
{
    const struct sc_sd_pe *pe = &image->pe;
    char raw[9] = {0};
    memcpy(raw, in->data + at, 8);
    bool digits = raw[0] == '/' && raw[1] != '\0';
    for (int i = 1; raw[i] != '\0'; i++)
        digits = digits && raw[i] >= '0' && raw[i] <= '9';
    if (!digits || pe->symbol_table_offset == 0) {
        char *copy = sc__sd_alloc(image, 1, sizeof raw);
        if (copy == NULL)
            return -1;
        memcpy(copy, raw, sizeof raw);
        *out = copy;
        return 0;
    }
    uint64_t table =
        pe->symbol_table_offset + (uint64_t)pe->symbol_count * SYMBOL_SIZE;
    uint32_t table_size;
    if (!sc__sd_u32(in, table, &table_size))
        return sc__sd_fail(image,
                           "section %zu: long name, but the string table at "
                           "0x%llx is past the end of the file",
                           index + 1, (unsigned long long)table);
    char what[48];
    snprintf(what, sizeof what, "section %zu name", index + 1);
    uint64_t offset = strtoul(raw + 1, NULL, 10);
    if (offset < 4)
        return sc__sd_fail(image,
                           "%s: string table offset %llu is inside "
                           "its size field",
                           what, (unsigned long long)offset);
    return sc__sd_string(image, in, table + offset, table + table_size, what,
                         out);
}

static int parse_sections(struct sc_sd_image *image,
                          const struct sc__sd_input *in, uint64_t at,
                          uint16_t count)
{
    struct sc_sd_pe *pe = &image->pe;
    if (!sc__sd_fits(at, (uint64_t)count * SECTION_HEADER_SIZE, in->size))
        return sc__sd_fail(image,
                           "section table: %u headers at 0x%llx run past the "
                           "end of the file",
                           count, (unsigned long long)at);
    pe->sections = sc__sd_alloc(image, count, sizeof *pe->sections);
    if (pe->sections == NULL)
        return -1;
    pe->section_count = count;
    for (size_t i = 0; i < count; i++, at += SECTION_HEADER_SIZE) {
        struct sc_sd_pe_section *s = &pe->sections[i];
        if (section_name(image, in, at, i, &s->name) != 0)
            return -1;
        sc__sd_u32(in, at + 8, &s->virtual_size);
        sc__sd_u32(in, at + 12, &s->virtual_address);
        sc__sd_u32(in, at + 16, &s->raw_size);
        sc__sd_u32(in, at + 20, &s->raw_offset);
        sc__sd_u32(in, at + 24, &s->relocations_offset);
        sc__sd_u32(in, at + 28, &s->line_numbers_offset);
        sc__sd_u16(in, at + 32, &s->relocation_count);
        sc__sd_u16(in, at + 34, &s->line_number_count);
        sc__sd_u32(in, at + 36, &s->characteristics);
        bool has_data = s->raw_size != 0 && s->raw_offset != 0;
        if (has_data && !sc__sd_fits(s->raw_offset, s->raw_size, in->size))
            return sc__sd_fail(image,
                               "section %zu: raw data 0x%x+0x%x runs past "
                               "the end of the file (0x%llx bytes)",
                               i + 1, s->raw_offset, s->raw_size,
                               (unsigned long long)in->size);
    }
    return 0;
}

int sc__sd_parse_coff(struct sc_sd_image *image, const struct sc__sd_input *in)
{
    uint16_t section_count, optional_size;
    image->format = SC_SD_FORMAT_COFF;
    if (parse_file_header(image, in, 0, &section_count, &optional_size) != 0)
        return -1;
    if (optional_size != 0)
        return sc__sd_fail(image,
                           "COFF object with an optional header of "
                           "%u bytes: not an object file",
                           optional_size);
    return parse_sections(image, in, FILE_HEADER_SIZE, section_count);
}

int sc__sd_parse_pe(struct sc_sd_image *image, const struct sc__sd_input *in)
{
    uint32_t pe_offset;
    if (!sc__sd_u32(in, 0x3c, &pe_offset))
        return sc__sd_fail(image, "MZ header: truncated before e_lfanew");
    if (!sc__sd_fits(pe_offset, 4, in->size) ||
        memcmp(in->data + pe_offset, "PE\0\0", 4) != 0)
        return sc__sd_fail(image,
                           "no PE signature at 0x%x (e_lfanew): an MS-DOS "
                           "program or a damaged file",
                           pe_offset);
    uint64_t header = (uint64_t)pe_offset + 4;
    uint16_t section_count, optional_size;
    if (parse_file_header(image, in, header, &section_count, &optional_size) !=
        0)
        return -1;
    uint64_t optional = header + FILE_HEADER_SIZE;
    if (parse_optional_header(image, in, optional, optional_size) != 0)
        return -1;
    if (parse_sections(image, in, optional + optional_size, section_count) != 0)
        return -1;
    if (sc__sd_pe_parse_exports(image, in) != 0)
        return -1;
    return sc__sd_pe_parse_imports(image, in);
}

long sc_sd_pe_find_section(const struct sc_sd_pe *pe, const char *name)
{
    for (size_t i = 0; i < pe->section_count; i++) {
        if (strcmp(pe->sections[i].name, name) == 0)
            return (long)i;
    }
    return -1;
}
