/* The JSON report for PE images and COFF objects. */
#include <inttypes.h>

#include "print.h"

static void print_section(FILE *out, const struct sc_sd_pe_section *s)
{
    fprintf(out, "    {\"name\": ");
    sc__sd_put_json_string(out, s->name);
    fprintf(out,
            ", \"virtual_size\": %" PRIu32 ", \"virtual_address\": %" PRIu32
            ", \"raw_size\": %" PRIu32 ", \"raw_offset\": %" PRIu32
            ", \"relocations\": %u, \"flags\": %" PRIu32 ", \"flag_names\": [",
            s->virtual_size, s->virtual_address, s->raw_size, s->raw_offset,
            s->relocation_count, s->characteristics);
    const char *names[24];
    size_t n = sc__sd_pe_section_flag_names(s->characteristics, names, 24);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s", i ? ", " : "");
        sc__sd_put_json_string(out, names[i]);
    }
    fprintf(out, "]}");
}

static void print_exports(FILE *out, const struct sc_sd_pe *pe)
{
    fprintf(out, "  \"exports\": [");
    for (size_t i = 0; i < pe->export_name_count; i++) {
        fprintf(out, "%s", i ? ", " : "");
        sc__sd_put_json_string(out, pe->export_names[i].name);
    }
    fprintf(out, "],\n  \"export_table\": [");
    for (size_t i = 0; i < pe->export_name_count; i++) {
        const struct sc_sd_pe_export_name *e = &pe->export_names[i];
        const struct sc_sd_pe_export_function *f =
            &pe->export_functions[e->function_index];
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        sc__sd_put_json_string(out, e->name);
        fprintf(out, ", \"ordinal\": %" PRIu64 ", \"rva\": %" PRIu32,
                (uint64_t)pe->export_ordinal_base + e->function_index, f->rva);
        if (f->forwarder != NULL) {
            fprintf(out, ", \"forwarder\": ");
            sc__sd_put_json_string(out, f->forwarder);
        }
        fprintf(out, "}");
    }
    fprintf(out, "],\n");
}

static void print_import(FILE *out, const struct sc_sd_pe_import_dll *dll)
{
    fprintf(out, "    {\"dll\": ");
    sc__sd_put_json_string(out, dll->name);
    fprintf(out, ", \"functions\": [");
    for (size_t j = 0; j < dll->function_count; j++) {
        const struct sc_sd_pe_import_function *f = &dll->functions[j];
        fprintf(out, "%s", j ? ", " : "");
        if (f->name == NULL) {
            fprintf(out, "{\"ordinal\": %u}", f->ordinal);
            continue;
        }
        fprintf(out, "{\"name\": ");
        sc__sd_put_json_string(out, f->name);
        fprintf(out, ", \"hint\": %u}", f->hint);
    }
    fprintf(out, "]}");
}

void sc__sd_print_pe_json(FILE *out, const struct sc_sd_image *image)
{
    const struct sc_sd_pe *pe = &image->pe;
    fprintf(out, "  \"machine\": %u,\n  \"characteristics\": %u,\n",
            pe->machine, pe->characteristics);
    if (image->format != SC_SD_FORMAT_COFF)
        fprintf(out,
                "  \"image_base\": %" PRIu64 ",\n  \"subsystem\": %u,\n"
                "  \"dll_characteristics\": %u,\n",
                pe->image_base, pe->subsystem, pe->dll_characteristics);
    fprintf(out, "  \"sections\": [");
    for (size_t i = 0; i < pe->section_count; i++) {
        fprintf(out, "%s\n", i ? "," : "");
        print_section(out, &pe->sections[i]);
    }
    fprintf(out, "],\n");
    print_exports(out, pe);
    fprintf(out, "  \"imports\": [");
    for (size_t i = 0; i < pe->import_count; i++) {
        fprintf(out, "%s\n", i ? "," : "");
        print_import(out, &pe->imports[i]);
    }
    fprintf(out, "]\n");
}
