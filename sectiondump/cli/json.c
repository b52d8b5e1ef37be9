/* The JSON report, for every format (the contract is in
 * docs/binary-analysis.md). */
#include <inttypes.h>

#include "report.h"

static void put_pe_section(FILE *out, const struct sd_pe_section *s)
{
    fprintf(out, "    {\"name\": ");
    sd__put_json_string(out, s->name);
    fprintf(out,
            ", \"virtual_size\": %" PRIu32 ", \"virtual_address\": %" PRIu32
            ", \"raw_size\": %" PRIu32 ", \"raw_offset\": %" PRIu32
            ", \"relocations\": %u, \"flags\": %" PRIu32 ", \"flag_names\": [",
            s->virtual_size, s->virtual_address, s->raw_size, s->raw_offset,
            s->relocation_count, s->characteristics);
    const char *names[24];
    size_t n = sd__pe_section_flag_names(s->characteristics, names, 24);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s", i ? ", " : "");
        sd__put_json_string(out, names[i]);
    }
    fprintf(out, "]}");
}

static void put_pe_exports(FILE *out, const struct sd_pe *pe)
{
    fprintf(out, "  \"exports\": [");
    for (size_t i = 0; i < pe->export_name_count; i++) {
        fprintf(out, "%s", i ? ", " : "");
        sd__put_json_string(out, pe->export_names[i].name);
    }
    fprintf(out, "],\n  \"export_table\": [");
    for (size_t i = 0; i < pe->export_name_count; i++) {
        const struct sd_pe_export_name *e = &pe->export_names[i];
        const struct sd_pe_export_function *f =
            &pe->export_functions[e->function_index];
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        sd__put_json_string(out, e->name);
        fprintf(out, ", \"ordinal\": %" PRIu64 ", \"rva\": %" PRIu32,
                (uint64_t)pe->export_ordinal_base + e->function_index, f->rva);
        if (f->forwarder != NULL) {
            fprintf(out, ", \"forwarder\": ");
            sd__put_json_string(out, f->forwarder);
        }
        fprintf(out, "}");
    }
    fprintf(out, "],\n");
}

static void put_pe_import(FILE *out, const struct sd_pe_import_dll *dll)
{
    fprintf(out, "    {\"dll\": ");
    sd__put_json_string(out, dll->name);
    fprintf(out, ", \"functions\": [");
    for (size_t j = 0; j < dll->function_count; j++) {
        const struct sd_pe_import_function *f = &dll->functions[j];
        fprintf(out, "%s", j ? ", " : "");
        if (f->name == NULL) {
            fprintf(out, "{\"ordinal\": %u}", f->ordinal);
            continue;
        }
        fprintf(out, "{\"name\": ");
        sd__put_json_string(out, f->name);
        fprintf(out, ", \"hint\": %u}", f->hint);
    }
    fprintf(out, "]}");
}

void sd__print_pe_json(FILE *out, const struct sd_image *image)
{
    const struct sd_pe *pe = &image->pe;
    fprintf(out, "  \"machine\": %u,\n  \"characteristics\": %u,\n",
            pe->machine, pe->characteristics);
    if (image->format != SD_FORMAT_COFF)
        fprintf(out,
                "  \"image_base\": %" PRIu64 ",\n  \"subsystem\": %u,\n"
                "  \"dll_characteristics\": %u,\n",
                pe->image_base, pe->subsystem, pe->dll_characteristics);
    fprintf(out, "  \"sections\": [");
    for (size_t i = 0; i < pe->section_count; i++) {
        fprintf(out, "%s\n", i ? "," : "");
        put_pe_section(out, &pe->sections[i]);
    }
    fprintf(out, "],\n");
    put_pe_exports(out, pe);
    fprintf(out, "  \"imports\": [");
    for (size_t i = 0; i < pe->import_count; i++) {
        fprintf(out, "%s\n", i ? "," : "");
        put_pe_import(out, &pe->imports[i]);
    }
    fprintf(out, "]\n");
}

/* A constant's name, or its number in decimal when it has none. */
static void put_name_or_number(FILE *out, const char *name, unsigned value)
{
    char number[16];
    if (name == NULL) {
        snprintf(number, sizeof number, "%u", value);
        name = number;
    }
    sd__put_json_string(out, name);
}

static void put_elf_section(FILE *out, const struct sd_image *image,
                            const struct sd_elf_section *s)
{
    char type[40], flags[16];
    fprintf(out, "    {\"name\": ");
    sd__put_json_string(out, s->name);
    fprintf(out, ", \"type\": %" PRIu32 ", \"type_name\": ", s->type);
    sd__put_json_string(out,
                        sd_elf_section_type_name(s->type, image->elf.machine,
                                                 type, sizeof type));
    fprintf(out, ", \"flags\": %" PRIu64 ", \"flag_letters\": ", s->flags);
    sd__put_json_string(out, sd_elf_section_flag_letters(
                                 s->flags, image->elf.machine, image->elf.osabi,
                                 flags, sizeof flags));
    fprintf(out,
            ", \"address\": %" PRIu64 ", \"offset\": %" PRIu64
            ", \"size\": %" PRIu64 ", \"link\": %" PRIu32 ", \"info\": %" PRIu32
            ", \"alignment\": %" PRIu64 ", \"entry_size\": %" PRIu64 "}",
            s->address, s->offset, s->size, s->link, s->info, s->alignment,
            s->entry_size);
}

static void put_elf_symbol(FILE *out, const struct sd_elf_symbol *sym)
{
    fprintf(out, "    {\"name\": ");
    sd__put_json_string(out, sym->name);
    fprintf(out, ", \"value\": %" PRIu64 ", \"size\": %" PRIu64 ", \"type\": ",
            sym->value, sym->size);
    put_name_or_number(out, sd_elf_symbol_type_name(sym->type), sym->type);
    fprintf(out, ", \"binding\": ");
    put_name_or_number(out, sd_elf_binding_name(sym->binding), sym->binding);
    fprintf(out, ", \"visibility\": ");
    put_name_or_number(out, sd_elf_visibility_name(sym->visibility),
                       sym->visibility);
    fprintf(out, ", \"section_index\": %u}", sym->section_index);
}

void sd__print_elf_json(FILE *out, const struct sd_image *image)
{
    const struct sd_elf *elf = &image->elf;
    fprintf(out,
            "  \"byte_order\": \"%s\",\n  \"type\": %u,\n"
            "  \"machine\": %u,\n  \"entry\": %" PRIu64 ",\n",
            elf->big_endian ? "big" : "little", elf->type, elf->machine,
            elf->entry);
    fprintf(out, "  \"sections\": [");
    for (size_t i = 0; i < elf->section_count; i++) {
        fprintf(out, "%s\n", i ? "," : "");
        put_elf_section(out, image, &elf->sections[i]);
    }
    fprintf(out, "],\n  \"dynamic_symbols\": [");
    for (size_t i = 0; i < elf->dynamic_symbol_count; i++) {
        fprintf(out, "%s\n", i ? "," : "");
        put_elf_symbol(out, &elf->dynamic_symbols[i]);
    }
    fprintf(out, "]\n");
}

static const char *const member_kinds[] = {"symbol_table", "name_table",
                                           "object", "import", "other"};

static void put_archive_import(FILE *out, const struct sd_archive_member *m)
{
    static const char *const parts[] = {"function", "head", "tail"};
    static const char *const types[4] = {"code", "data", "const", "unknown"};
    fprintf(out, ", \"import_form\": \"%s\", \"part\": \"%s\"",
            m->import_form == SD_IMPORT_SHORT ? "short" : "long",
            parts[m->import_part]);
    if (m->import_form == SD_IMPORT_SHORT)
        fprintf(out, ", \"type\": \"%s\"", types[m->import_type & 3u]);
    fprintf(out, ", \"dll\": ");
    if (m->import_dll != NULL)
        sd__put_json_string(out, m->import_dll);
    else
        fprintf(out, "null");
    if (m->import_part != SD_IMPORT_FUNCTION)
        return;
    if (m->by_ordinal) {
        fprintf(out, ", \"ordinal\": %u", m->import_hint);
        return;
    }
    fprintf(out, ", \"symbol\": ");
    sd__put_json_string(out, m->import_symbol);
    fprintf(out, ", \"hint\": %u", m->import_hint);
}

void sd__print_archive_json(FILE *out, const struct sd_image *image)
{
    const struct sd_archive *archive = &image->archive;
    fprintf(out, "  \"members\": [");
    for (size_t i = 0; i < archive->member_count; i++) {
        const struct sd_archive_member *m = &archive->members[i];
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        sd__put_json_string(out, m->name);
        fprintf(out,
                ", \"offset\": %" PRIu64 ", \"size\": %" PRIu64
                ", \"kind\": \"%s\"",
                m->header_offset, m->size, member_kinds[m->kind]);
        if (m->kind == SD_MEMBER_OBJECT ||
            (m->kind == SD_MEMBER_IMPORT && m->machine != 0))
            fprintf(out, ", \"machine\": %u", m->machine);
        if (m->kind == SD_MEMBER_IMPORT)
            put_archive_import(out, m);
        fprintf(out, "}");
    }
    fprintf(out, "]\n");
}
