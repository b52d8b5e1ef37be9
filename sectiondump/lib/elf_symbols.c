/* ELF: the dynamic symbol table (.dynsym) and its string table. */
#include <stdio.h>

#include "elf_internal.h"

/* Reads the symbol at offset at; the layouts of the classes differ. */
static void read_symbol(const struct sc__sd_input *in, bool is64, uint64_t at,
                        struct sc_sd_elf_symbol *sym, uint32_t *name_offset)
{
    uint8_t info = 0, other = 0;
    sc__sd_u32(in, at, name_offset);
    if (is64) {
        sc__sd_u8(in, at + 4, &info);
        sc__sd_u8(in, at + 5, &other);
        sc__sd_u16(in, at + 6, &sym->section_index);
        sc__sd_u64(in, at + 8, &sym->value);
        sc__sd_u64(in, at + 16, &sym->size);
    } else {
        uint32_t value = 0, size = 0;
        sc__sd_u32(in, at + 4, &value);
        sc__sd_u32(in, at + 8, &size);
        sc__sd_u8(in, at + 12, &info);
        sc__sd_u8(in, at + 13, &other);
        sc__sd_u16(in, at + 14, &sym->section_index);
        sym->value = value;
        sym->size = size;
    }
    sym->binding = info >> 4;
    sym->type = info & 0xf;
    sym->visibility = other & 0x3;
}

static long find_dynsym(const struct sc_sd_elf *elf)
{
    for (size_t i = 0; i < elf->section_count; i++) {
        if (elf->sections[i].type == SC_SD_SHT_DYNSYM)
            return (long)i;
    }
    return -1;
}

int sc__sd_parse_elf_symbols(struct sc_sd_image *image,
                             const struct sc__sd_input *in, bool is64)
{
    struct sc_sd_elf *elf = &image->elf;
    long index = find_dynsym(elf);
    if (index < 0)
        return 0;
    const struct sc_sd_elf_section *table = &elf->sections[index];
    unsigned entry = is64 ? 24 : 16;
    if (table->entry_size != entry || table->size % entry != 0)
        return sc__sd_fail(image,
                           "dynamic symbol table: entry size %llu and size "
                           "%llu do not fit the %u-byte ELF%s symbol",
                           (unsigned long long)table->entry_size,
                           (unsigned long long)table->size, entry,
                           is64 ? "64" : "32");
    if (table->link == 0 || table->link >= elf->section_count ||
        elf->sections[table->link].type == SC_SD_SHT_NOBITS ||
        !sc__sd_fits(elf->sections[table->link].offset,
                     elf->sections[table->link].size, in->size))
        return sc__sd_fail(image,
                           "dynamic symbol table: its string table (section "
                           "%u) does not exist or has no contents",
                           table->link);
    const struct sc_sd_elf_section *strings = &elf->sections[table->link];
    uint64_t count = table->size / entry;
    if (sc__sd_spend(image, count) != 0)
        return -1;
    elf->dynamic_symbols =
        sc__sd_alloc(image, count, sizeof *elf->dynamic_symbols);
    if (elf->dynamic_symbols == NULL)
        return -1;
    elf->dynamic_symbol_count = (size_t)count;
    elf->dynamic_symbol_section = (uint32_t)index;
    for (size_t i = 0; i < elf->dynamic_symbol_count; i++) {
        struct sc_sd_elf_symbol *sym = &elf->dynamic_symbols[i];
        uint32_t name_offset;
        read_symbol(in, is64, table->offset + i * entry, sym, &name_offset);
        char what[48];
        snprintf(what, sizeof what, "dynamic symbol %zu name", i);
        if (sc__sd_string(image, in, strings->offset + name_offset,
                          strings->offset + strings->size, what,
                          &sym->name) != 0)
            return -1;
    }
    return 0;
}
