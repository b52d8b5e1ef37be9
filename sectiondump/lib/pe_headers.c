/* PE images and COFF objects: the file header, the optional header and the
 * section table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pe_internal.h"

enum {
    DOS_HEADER_SIZE = 64,
    FILE_HEADER_SIZE = 20,
    SECTION_HEADER_SIZE = 40,
    SYMBOL_SIZE = 18,
    PE32_MAGIC = 0x10b,
    PE32PLUS_MAGIC = 0x20b,
    /* Optional header size up to and including NumberOfRvaAndSizes. */
    PE32_FIXED_SIZE = 96,
    PE32PLUS_FIXED_SIZE = 112,
};

static int parse_file_header(struct sd_image *image, const struct sd__input *in,
                             uint64_t at, uint16_t *section_count,
                             uint16_t *optional_size)
{
    struct sd_pe *pe = &image->pe;
    if (!sd__fits(at, FILE_HEADER_SIZE, in->size))
        return sd__truncated(image, "COFF header", at, FILE_HEADER_SIZE,
                             in->size);
    sd__u16(in, at, &pe->machine);
    sd__u16(in, at + 2, section_count);
    sd__u32(in, at + 4, &pe->timestamp);
    sd__u32(in, at + 8, &pe->symbol_table_offset);
    sd__u32(in, at + 12, &pe->symbol_count);
    sd__u16(in, at + 16, optional_size);
    sd__u16(in, at + 18, &pe->characteristics);
    return 0;
}

/* Reads the optional header fields that the tool shows and uses. */
static int parse_optional_header(struct sd_image *image,
                                 const struct sd__input *in, uint64_t at,
                                 uint16_t size)
{
    struct sd_pe *pe = &image->pe;
    if (!sd__fits(at, size, in->size))
        return sd__truncated(image, "optional header", at, size, in->size);
    if (size < 2 || !sd__u16(in, at, &pe->optional_magic))
        return sd__fail(image, "optional header: %u bytes declared", size);
    bool plus = pe->optional_magic == PE32PLUS_MAGIC;
    if (!plus && pe->optional_magic != PE32_MAGIC)
        return sd__fail(image, "optional header: unknown magic 0x%x",
                        pe->optional_magic);
    unsigned fixed = plus ? PE32PLUS_FIXED_SIZE : PE32_FIXED_SIZE;
    if (size < fixed)
        return sd__fail(image, "optional header: %u bytes declared, %u needed",
                        size, fixed);
    image->format = plus ? SD_FORMAT_PE32PLUS : SD_FORMAT_PE32;
    sd__u32(in, at + 16, &pe->entry_point);
    if (plus) {
        sd__u64(in, at + 24, &pe->image_base);
    } else {
        uint32_t base;
        sd__u32(in, at + 28, &base);
        pe->image_base = base;
    }
    sd__u32(in, at + 32, &pe->section_alignment);
    sd__u32(in, at + 36, &pe->file_alignment);
    sd__u32(in, at + 56, &pe->size_of_image);
    sd__u32(in, at + 60, &pe->size_of_headers);
    sd__u16(in, at + 68, &pe->subsystem);
    sd__u16(in, at + 70, &pe->dll_characteristics);
    sd__u32(in, at + fixed - 4, &pe->directory_count);
    if (pe->directory_count > (size - fixed) / 8u)
        return sd__fail(image,
                        "optional header: %u data directories do not fit "
                        "in its %u bytes",
                        pe->directory_count, size);
    uint64_t dirs = at + fixed;
    if (pe->directory_count > 0) {
        sd__u32(in, dirs, &pe->export_directory_rva);
        sd__u32(in, dirs + 4, &pe->export_directory_size);
    }
    if (pe->directory_count > 1) {
        sd__u32(in, dirs + 8, &pe->import_directory_rva);
        sd__u32(in, dirs + 12, &pe->import_directory_size);
    }
    return 0;
}

/* "/123" names an entry of the COFF string table, which follows the symbol
 * table; anything else is the name itself, up to 8 bytes. */
static int section_name(struct sd_image *image, const struct sd__input *in,
                        uint64_t at, size_t index, const char **out)
{
    const struct sd_pe *pe = &image->pe;
    char raw[9] = {0};
    memcpy(raw, in->data + at, 8);
    bool digits = raw[0] == '/' && raw[1] != '\0';
    for (int i = 1; raw[i] != '\0'; i++)
        digits = digits && raw[i] >= '0' && raw[i] <= '9';
    if (!digits || pe->symbol_table_offset == 0) {
        char *copy = sd__alloc(image, 1, sizeof raw);
        if (copy == NULL)
            return -1;
        memcpy(copy, raw, sizeof raw);
        *out = copy;
        return 0;
    }
    uint64_t table =
        pe->symbol_table_offset + (uint64_t)pe->symbol_count * SYMBOL_SIZE;
    uint32_t table_size;
    if (!sd__u32(in, table, &table_size))
        return sd__fail(image,
                        "section %zu: long name, but the string table at "
                        "0x%llx is past the end of the file",
                        index + 1, (unsigned long long)table);
    char what[48];
    snprintf(what, sizeof what, "section %zu name", index + 1);
    uint64_t offset = strtoul(raw + 1, NULL, 10);
    if (offset < 4)
        return sd__fail(image,
                        "%s: string table offset %llu is inside "
                        "its size field",
                        what, (unsigned long long)offset);
    return sd__string(image, in, table + offset, table + table_size, what, out);
}

static int parse_sections(struct sd_image *image, const struct sd__input *in,
                          uint64_t at, uint16_t count)
{
    struct sd_pe *pe = &image->pe;
    if (!sd__fits(at, (uint64_t)count * SECTION_HEADER_SIZE, in->size))
        return sd__truncated(image, "section table", at,
                             (uint64_t)count * SECTION_HEADER_SIZE, in->size);
    pe->sections = sd__alloc(image, count, sizeof *pe->sections);
    if (pe->sections == NULL)
        return -1;
    pe->section_count = count;
    for (size_t i = 0; i < count; i++, at += SECTION_HEADER_SIZE) {
        struct sd_pe_section *s = &pe->sections[i];
        if (section_name(image, in, at, i, &s->name) != 0)
            return -1;
        sd__u32(in, at + 8, &s->virtual_size);
        sd__u32(in, at + 12, &s->virtual_address);
        sd__u32(in, at + 16, &s->raw_size);
        sd__u32(in, at + 20, &s->raw_offset);
        sd__u32(in, at + 24, &s->relocations_offset);
        sd__u32(in, at + 28, &s->line_numbers_offset);
        sd__u16(in, at + 32, &s->relocation_count);
        sd__u16(in, at + 34, &s->line_number_count);
        sd__u32(in, at + 36, &s->characteristics);
        bool has_data = s->raw_size != 0 && s->raw_offset != 0;
        if (has_data && !sd__fits(s->raw_offset, s->raw_size, in->size))
            return sd__fail(image,
                            "section %zu: raw data 0x%x+0x%x runs past "
                            "the end of the file (0x%llx bytes)",
                            i + 1, s->raw_offset, s->raw_size,
                            (unsigned long long)in->size);
    }
    return 0;
}

int sd__parse_coff(struct sd_image *image, const struct sd__input *in)
{
    uint16_t section_count, optional_size;
    image->format = SD_FORMAT_COFF;
    if (parse_file_header(image, in, 0, &section_count, &optional_size) != 0)
        return -1;
    if (optional_size != 0)
        return sd__fail(image,
                        "COFF object with an optional header of "
                        "%u bytes: not an object file",
                        optional_size);
    return parse_sections(image, in, FILE_HEADER_SIZE, section_count);
}

int sd__parse_pe(struct sd_image *image, const struct sd__input *in)
{
    uint32_t pe_offset;
    if (in->size < DOS_HEADER_SIZE)
        return sd__truncated(image, "DOS header", 0, DOS_HEADER_SIZE, in->size);
    sd__u32(in, 0x3c, &pe_offset);
    if (pe_offset < in->size && !sd__fits(pe_offset, 4, in->size))
        return sd__truncated(image, "PE signature", pe_offset, 4, in->size);
    if (pe_offset >= in->size || memcmp(in->data + pe_offset, "PE\0\0", 4) != 0)
        return sd__fail(image,
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
    if (sd__pe_parse_exports(image, in) != 0)
        return -1;
    return sd__pe_parse_imports(image, in);
}

long sd_pe_find_section(const struct sd_pe *pe, const char *name)
{
    for (size_t i = 0; i < pe->section_count; i++) {
        if (strcmp(pe->sections[i].name, name) == 0)
            return (long)i;
    }
    return -1;
}
