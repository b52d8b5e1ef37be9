/* ELF: the file header and the section table, with names. */
#include <stdio.h>

#include "elf_internal.h"

enum {
    CLASS_32 = 1,
    CLASS_64 = 2,
    DATA_LSB = 1,
    DATA_MSB = 2,
    SHN_XINDEX = 0xffff,
    SHT_NULL = 0,
};

/* Reads a field that is 4 bytes in ELF32 and 8 in ELF64. The caller has
 * checked that the whole structure is inside the input. */
static uint64_t read_word(const struct sd__input *in, bool is64, uint64_t at)
{
    return sd__word(in, at, is64 ? 8 : 4);
}

static int parse_header(struct sd_image *image, const struct sd__input *in,
                        bool is64)
{
    struct sd_elf *elf = &image->elf;
    unsigned header_size = is64 ? 64 : 52;
    if (in->size < header_size)
        return sd__truncated(image, "ELF header", 0, header_size, in->size);
    unsigned w = is64 ? 8 : 4; /* the size of addresses and offsets */
    sd__u8(in, 7, &elf->osabi);
    sd__u8(in, 8, &elf->abi_version);
    sd__u16(in, 16, &elf->type);
    sd__u16(in, 18, &elf->machine);
    sd__u32(in, 20, &elf->version);
    elf->entry = read_word(in, is64, 24);
    elf->program_headers_offset = read_word(in, is64, 24 + w);
    elf->section_headers_offset = read_word(in, is64, 24 + 2 * w);
    uint64_t at = 24 + 3 * w;
    uint16_t section_name_index;
    sd__u32(in, at, &elf->flags);
    sd__u16(in, at + 4, &elf->header_size);
    sd__u16(in, at + 6, &elf->program_header_size);
    sd__u16(in, at + 8, &elf->program_header_count);
    sd__u16(in, at + 10, &elf->section_header_size);
    sd__u16(in, at + 14, &section_name_index);
    elf->section_name_index = section_name_index;
    return 0;
}

static void read_section(const struct sd__input *in, bool is64, uint64_t at,
                         struct sd_elf_section *s)
{
    unsigned w = is64 ? 8 : 4;
    sd__u32(in, at, &s->name_offset);
    sd__u32(in, at + 4, &s->type);
    s->flags = read_word(in, is64, at + 8);
    s->address = read_word(in, is64, at + 8 + w);
    s->offset = read_word(in, is64, at + 8 + 2 * w);
    s->size = read_word(in, is64, at + 8 + 3 * w);
    sd__u32(in, at + 8 + 4 * w, &s->link);
    sd__u32(in, at + 12 + 4 * w, &s->info);
    s->alignment = read_word(in, is64, at + 16 + 4 * w);
    s->entry_size = read_word(in, is64, at + 16 + 5 * w);
}

/* The section count, which does not fit in e_shnum when it is 0xff00 or
 * more: e_shnum is then 0 and section 0's sh_size holds it. Likewise
 * e_shstrndx SHN_XINDEX defers to section 0's sh_link. */
static int find_section_count(struct sd_image *image,
                              const struct sd__input *in, bool is64,
                              uint64_t *count)
{
    struct sd_elf *elf = &image->elf;
    uint16_t shnum;
    sd__u16(in, is64 ? 60 : 48, &shnum);
    *count = shnum;
    if (elf->section_headers_offset == 0) {
        *count = 0;
        return 0;
    }
    unsigned entry = is64 ? 64 : 40;
    if (elf->section_header_size < entry)
        return sd__fail(image,
                        "section headers are %u bytes each, less than the "
                        "%u an ELF%s header needs",
                        elf->section_header_size, entry, is64 ? "64" : "32");
    if (shnum != 0 && elf->section_name_index != SHN_XINDEX)
        return 0;
    if (!sd__fits(elf->section_headers_offset, entry, in->size))
        return sd__fail(image,
                        "section header 0 at 0x%llx is past the end "
                        "of the file",
                        (unsigned long long)elf->section_headers_offset);
    struct sd_elf_section first;
    read_section(in, is64, elf->section_headers_offset, &first);
    if (shnum == 0)
        *count = first.size;
    if (elf->section_name_index == SHN_XINDEX)
        elf->section_name_index = first.link;
    return 0;
}

/* Contents of every section except NOBITS must be inside the file. */
static int check_contents(struct sd_image *image, const struct sd__input *in,
                          size_t index)
{
    const struct sd_elf_section *s = &image->elf.sections[index];
    if (s->type == SHT_NULL || s->type == SD_SHT_NOBITS)
        return 0;
    if (!sd__fits(s->offset, s->size, in->size))
        return sd__fail(image,
                        "section %zu: contents 0x%llx+0x%llx run past the "
                        "end of the file (0x%llx bytes)",
                        index, (unsigned long long)s->offset,
                        (unsigned long long)s->size,
                        (unsigned long long)in->size);
    return 0;
}

static int name_sections(struct sd_image *image, const struct sd__input *in)
{
    struct sd_elf *elf = &image->elf;
    if (elf->section_count == 0)
        return 0;
    if (elf->section_name_index == 0) {
        for (size_t i = 0; i < elf->section_count; i++)
            elf->sections[i].name = "";
        return 0;
    }
    if (elf->section_name_index >= elf->section_count)
        return sd__fail(image,
                        "section name table index %u is not below the "
                        "section count %zu",
                        elf->section_name_index, elf->section_count);
    const struct sd_elf_section *names =
        &elf->sections[elf->section_name_index];
    if (names->type == SD_SHT_NOBITS ||
        !sd__fits(names->offset, names->size, in->size))
        return sd__fail(image,
                        "section name table (section %u) has no "
                        "contents in the file",
                        elf->section_name_index);
    for (size_t i = 0; i < elf->section_count; i++) {
        char what[48];
        snprintf(what, sizeof what, "section %zu name", i);
        if (sd__string(image, in, names->offset + elf->sections[i].name_offset,
                       names->offset + names->size, what,
                       &elf->sections[i].name) != 0)
            return -1;
    }
    return 0;
}

static int parse_sections(struct sd_image *image, const struct sd__input *in,
                          bool is64)
{
    struct sd_elf *elf = &image->elf;
    uint64_t count;
    if (find_section_count(image, in, is64, &count) != 0)
        return -1;
    if (count == 0)
        return 0;
    uint64_t table = elf->section_headers_offset;
    if (count > in->size / elf->section_header_size + 1 ||
        !sd__fits(table, count * elf->section_header_size, in->size))
        return sd__truncated(image, "section table", table,
                             count * elf->section_header_size, in->size);
    elf->sections = sd__alloc(image, count, sizeof *elf->sections);
    if (elf->sections == NULL)
        return -1;
    elf->section_count = (size_t)count;
    for (size_t i = 0; i < elf->section_count; i++) {
        read_section(in, is64, table + i * elf->section_header_size,
                     &elf->sections[i]);
        if (check_contents(image, in, i) != 0)
            return -1;
    }
    return name_sections(image, in);
}

int sd__parse_elf(struct sd_image *image, const struct sd__input *in)
{
    uint8_t elf_class = 0, data = 0;
    sd__u8(in, 4, &elf_class);
    sd__u8(in, 5, &data);
    /* Too short to say its class: a truncated header of the larger kind. */
    if (in->size < 16)
        return sd__truncated(image, "ELF header", 0,
                             elf_class == CLASS_32 ? 52 : 64, in->size);
    if (elf_class != CLASS_32 && elf_class != CLASS_64)
        return sd__fail(image, "ELF header: unknown class %u", elf_class);
    if (data != DATA_LSB && data != DATA_MSB)
        return sd__fail(image, "ELF header: unknown byte order %u", data);
    bool is64 = elf_class == CLASS_64;
    image->format = is64 ? SD_FORMAT_ELF64 : SD_FORMAT_ELF32;
    struct sd__input typed = *in;
    typed.big_endian = data == DATA_MSB;
    image->elf.big_endian = typed.big_endian;
    if (parse_header(image, &typed, is64) != 0 ||
        parse_sections(image, &typed, is64) != 0)
        return -1;
    return sd__parse_elf_symbols(image, &typed, is64);
}
