/* ELF: the dynamic symbol table (.dynsym) and its string table. */
#include <stdio.h>

#include "elf_internal.h"

/* Reads the symbol at offset at; the layouts of the classes differ. */
static void read_symbol(const struct sd__input *in, bool is64, uint64_t at,
                        struct sd_elf_symbol *sym, uint32_t *name_offset)
{
    uint8_t info = 0, other = 0;
    sd__u32(in, at, name_offset);
    if (is64) {
        sd__u8(in, at + 4, &info);
        sd__u8(in, at + 5, &other);
        sd__u16(in, at + 6, &sym->section_index);
        sd__u64(in, at + 8, &sym->value);
        sd__u64(in, at + 16, &sym->size);
    } else {
        uint32_t value = 0, size = 0;
        sd__u32(in, at + 4, &value);
        sd__u32(in, at + 8, &size);
        sd__u8(in, at + 12, &info);
        sd__u8(in, at + 13, &other);
        sd__u16(in, at + 14, &sym->section_index);
        sym->value = value;
        sym->size = size;
    }
    sym->binding = info >> 4;
    sym->type = info & 0xf;
    sym->visibility = other & 0x3;
}

static long find_dynsym(const struct sd_elf *elf)
{
    for (size_t i = 0; i < elf->section_count; i++) {
        if (elf->sections[i].type == SD_SHT_DYNSYM)
            return (long)i;
    }
    return -1;
}

int sd__parse_elf_symbols(struct sd_image *image, const struct sd__input *in,
                          bool is64)
{
    struct sd_elf *elf = &image->elf;
    long index = find_dynsym(elf);
    if (index < 0)
        return 0;
    const struct sd_elf_section *table = &elf->sections[index];
    unsigned entry = is64 ? 24 : 16;
    if (table->entry_size != entry || table->size % entry != 0)
        return sd__fail(image,
                        "dynamic symbol table: entry size %llu and size "
                        "%llu do not fit the %u-byte ELF%s symbol",
                        (unsigned long long)table->entry_size,
                        (unsigned long long)table->size, entry,
                        is64 ? "64" : "32");
    if (table->link == 0 || table->link >= elf->section_count ||
        elf->sections[table->link].type == SD_SHT_NOBITS ||
        !sd__fits(elf->sections[table->link].offset,
                  elf->sections[table->link].size, in->size))
        return sd__fail(image,
                        "dynamic symbol table: its string table (section "
                        "%u) does not exist or has no contents",
                        table->link);
    const struct sd_elf_section *strings = &elf->sections[table->link];
    uint64_t count = table->size / entry;
    if (sd__spend(image, count) != 0)
        return -1;
    elf->dynamic_symbols =
        sd__alloc(image, count, sizeof *elf->dynamic_symbols);
    if (elf->dynamic_symbols == NULL)
        return -1;
    elf->dynamic_symbol_count = (size_t)count;
    elf->dynamic_symbol_section = (uint32_t)index;
    for (size_t i = 0; i < elf->dynamic_symbol_count; i++) {
        struct sd_elf_symbol *sym = &elf->dynamic_symbols[i];
        uint32_t name_offset;
        read_symbol(in, is64, table->offset + i * entry, sym, &name_offset);
        char what[48];
        snprintf(what, sizeof what, "dynamic symbol %zu name", i);
        if (sd__string(image, in, strings->offset + name_offset,
                       strings->offset + strings->size, what, &sym->name) != 0)
            return -1;
    }
    return 0;
}
