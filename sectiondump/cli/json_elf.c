/* The JSON report for ELF files. */
#include <inttypes.h>

#include "print.h"

/* A constant's name, or its number in decimal when it has none. */
static void put_name_or_number(FILE *out, const char *name, unsigned value)
{
    char number[16];
    if (name == NULL) {
        snprintf(number, sizeof number, "%u", value);
        name = number;
    }
    sc__sd_put_json_string(out, name);
}

static void print_section(FILE *out, const struct sc_sd_image *image,
                          const struct sc_sd_elf_section *s)
{
    char type[40], flags[16];
    fprintf(out, "    {\"name\": ");
    sc__sd_put_json_string(out, s->name);
    fprintf(out, ", \"type\": %" PRIu32 ", \"type_name\": ", s->type);
    sc__sd_put_json_string(out, sc_sd_elf_section_type_name(s->type,
                                                            image->elf.machine,
                                                            type, sizeof type));
    fprintf(out, ", \"flags\": %" PRIu64 ", \"flag_letters\": ", s->flags);
    sc__sd_put_json_string(out, sc_sd_elf_section_flag_letters(
                                    s->flags, image->elf.machine,
                                    image->elf.osabi, flags, sizeof flags));
    fprintf(out,
            ", \"address\": %" PRIu64 ", \"offset\": %" PRIu64
            ", \"size\": %" PRIu64 ", \"link\": %" PRIu32 ", \"info\": %" PRIu32
            ", \"alignment\": %" PRIu64 ", \"entry_size\": %" PRIu64 "}",
            s->address, s->offset, s->size, s->link, s->info, s->alignment,
            s->entry_size);
}

static void print_symbol(FILE *out, const struct sc_sd_elf_symbol *sym)
{
    fprintf(out, "    {\"name\": ");
    sc__sd_put_json_string(out, sym->name);
    fprintf(out, ", \"value\": %" PRIu64 ", \"size\": %" PRIu64 ", \"type\": ",
            sym->value, sym->size);
    put_name_or_number(out, sc_sd_elf_symbol_type_name(sym->type), sym->type);
    fprintf(out, ", \"binding\": ");
    put_name_or_number(out, sc_sd_elf_binding_name(sym->binding), sym->binding);
    fprintf(out, ", \"visibility\": ");
    put_name_or_number(out, sc_sd_elf_visibility_name(sym->visibility),
                       sym->visibility);
    fprintf(out, ", \"section_index\": %u}", sym->section_index);
}

void sc__sd_print_elf_json(FILE *out, const struct sc_sd_image *image)
{
    const struct sc_sd_elf *elf = &image->elf;
    fprintf(out,
            "  \"byte_order\": \"%s\",\n  \"type\": %u,\n"
            "  \"machine\": %u,\n  \"entry\": %" PRIu64 ",\n",
            elf->big_endian ? "big" : "little", elf->type, elf->machine,
            elf->entry);
    fprintf(out, "  \"sections\": [");
    for (size_t i = 0; i < elf->section_count; i++) {
        fprintf(out, "%s\n", i ? "," : "");
        print_section(out, image, &elf->sections[i]);
    }
    fprintf(out, "],\n  \"dynamic_symbols\": [");
    for (size_t i = 0; i < elf->dynamic_symbol_count; i++) {
        fprintf(out, "%s\n", i ? "," : "");
        print_symbol(out, &elf->dynamic_symbols[i]);
    }
    fprintf(out, "]\n");
}
