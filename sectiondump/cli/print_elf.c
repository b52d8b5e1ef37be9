/* The text report for ELF files, laid out like readelf -h -S --dyn-syms. */
#include <inttypes.h>
#include <stdbool.h>

#include "report.h"

enum { SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2 };

static bool is64(const struct sd_image *image)
{
    return image->format == SD_FORMAT_ELF64;
}

static void put_known(FILE *out, const char *name, unsigned value)
{
    if (name != NULL)
        fprintf(out, "%s\n", name);
    else
        fprintf(out, "<unknown: %x>\n", value);
}

static void print_header(FILE *out, const struct sd_image *image)
{
    const struct sd_elf *elf = &image->elf;
    fprintf(out, "ELF Header:\n");
    fprintf(out, "  Class:                             %s\n",
            is64(image) ? "ELF64" : "ELF32");
    fprintf(out, "  Data:                              2's complement, %s\n",
            elf->big_endian ? "big endian" : "little endian");
    fprintf(out, "  OS/ABI:                            %u\n", elf->osabi);
    fprintf(out, "  Type:                              ");
    put_known(out, sd_elf_file_type_name(elf->type), elf->type);
    fprintf(out, "  Machine:                           ");
    put_known(out, sd_elf_machine_name(elf->machine), elf->machine);
    fprintf(out, "  Entry point address:               0x%" PRIx64 "\n",
            elf->entry);
    fprintf(out,
            "  Start of section headers:          %" PRIu64
            " (bytes into file)\n",
            elf->section_headers_offset);
    fprintf(out, "  Flags:                             0x%x\n", elf->flags);
    fprintf(out, "  Number of section headers:         %zu\n",
            elf->section_count);
    fprintf(out, "  Section header string table index: %u\n",
            elf->section_name_index);
}

static void print_section(FILE *out, const struct sd_image *image, size_t index)
{
    const struct sd_elf_section *s = &image->elf.sections[index];
    char type[40], flags[16];
    sd_elf_section_type_name(s->type, image->elf.machine, type, sizeof type);
    sd_elf_section_flag_letters(s->flags, image->elf.machine, image->elf.osabi,
                                flags, sizeof flags);
    fprintf(out, "  [%2zu] ", index);
    sd__put_name(out, s->name, -17);
    fprintf(out,
            " %-15s %0*" PRIx64 " %06" PRIx64 " %06" PRIx64 " %02" PRIx64
            " %3s %2u %3u %2" PRIu64 "\n",
            type, is64(image) ? 16 : 8, s->address, s->offset, s->size,
            s->entry_size, flags, s->link, s->info, s->alignment);
}

static void print_sections(FILE *out, const struct sd_image *image)
{
    fprintf(out,
            "\nSection Headers:\n  [Nr] Name              Type"
            "            %-*s Off    Size   ES Flg Lk Inf Al\n",
            is64(image) ? 16 : 8, "Address");
    for (size_t i = 0; i < image->elf.section_count; i++)
        print_section(out, image, i);
    fprintf(out, "Key to Flags:\n"
                 "  W (write), A (alloc), X (execute), M (merge), "
                 "S (strings), I (info),\n"
                 "  L (link order), O (extra OS processing required), "
                 "G (group), T (TLS),\n"
                 "  C (compressed), x (unknown), o (OS specific), "
                 "E (exclude),\n"
                 "  R (retain), l (large), p (processor specific)\n");
}

static void put_section_index(FILE *out, uint16_t index)
{
    if (index == SD_SHN_UNDEF)
        fprintf(out, "UND");
    else if (index == SHN_ABS)
        fprintf(out, "ABS");
    else if (index == SHN_COMMON)
        fprintf(out, "COM");
    else
        fprintf(out, "%3u", index);
}

static const char *or_unknown(const char *name)
{
    return name != NULL ? name : "<unknown>";
}

static void print_symbols(FILE *out, const struct sd_image *image)
{
    const struct sd_elf *elf = &image->elf;
    if (elf->dynamic_symbol_section == 0)
        return;
    fprintf(out, "\nSymbol table '");
    sd__put_name(out, elf->sections[elf->dynamic_symbol_section].name, 0);
    fprintf(out,
            "' contains %zu entries:\n   Num:    %-*s Size Type    "
            "Bind   Vis      Ndx Name\n",
            elf->dynamic_symbol_count, is64(image) ? 16 : 8, "Value");
    for (size_t i = 0; i < elf->dynamic_symbol_count; i++) {
        const struct sd_elf_symbol *sym = &elf->dynamic_symbols[i];
        fprintf(out, "%6zu: %0*" PRIx64 " %5" PRIu64 " %-7s %-6s %-9s ", i,
                is64(image) ? 16 : 8, sym->value, sym->size,
                or_unknown(sd_elf_symbol_type_name(sym->type)),
                or_unknown(sd_elf_binding_name(sym->binding)),
                or_unknown(sd_elf_visibility_name(sym->visibility)));
        put_section_index(out, sym->section_index);
        fprintf(out, " ");
        sd__put_name(out, sym->name, 0);
        fprintf(out, "\n");
    }
}

void sd__print_elf_text(FILE *out, const struct sd_image *image)
{
    print_header(out, image);
    print_sections(out, image);
    print_symbols(out, image);
}
