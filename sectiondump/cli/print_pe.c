/* The text report for PE images and COFF objects, laid out like
 * dumpbin /headers /exports /imports. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct bit_name {
    uint32_t bit;
    const char *name;
};

static const struct bit_name file_characteristics[] = {
    {0x0001, "Relocations stripped"},
    {0x0002, "Executable"},
    {0x0004, "Line numbers stripped"},
    {0x0008, "Symbols stripped"},
    {0x0020, "Application can handle large (>2GB) addresses"},
    {0x0100, "32 bit word machine"},
    {0x0200, "Debug information stripped"},
    {0x0400, "Runs from swap if on removable media"},
    {0x0800, "Runs from swap if on network"},
    {0x1000, "System"},
    {0x2000, "DLL"},
    {0x4000, "Uniprocessor only"},
};

static const struct bit_name dll_characteristics[] = {
    {0x0020, "High Entropy Virtual Addresses"},
    {0x0040, "Dynamic base"},
    {0x0080, "Force integrity"},
    {0x0100, "NX compatible"},
    {0x0200, "No isolation"},
    {0x0400, "No structured exception handler"},
    {0x0800, "Do not bind"},
    {0x1000, "AppContainer"},
    {0x2000, "WDM driver"},
    {0x4000, "Control Flow Guard"},
    {0x8000, "Terminal Server Aware"},
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static void put_bits(FILE *out, uint32_t value, const struct bit_name *names,
                     size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (value & names[i].bit)
            fprintf(out, "%19s%s\n", "", names[i].name);
    }
}

static bool is_image(const struct sd_image *image)
{
    return image->format != SD_FORMAT_COFF;
}

/* Addresses are 16 hex digits in PE32+, 8 in PE32. */
static int address_width(const struct sd_image *image)
{
    return image->format == SD_FORMAT_PE32PLUS ? 16 : 8;
}

static void print_file_header(FILE *out, const struct sd_image *image)
{
    const struct sd_pe *pe = &image->pe;
    const char *machine = sd_pe_machine_name(pe->machine);
    fprintf(out, "FILE HEADER VALUES\n");
    fprintf(out, "%16X machine (%s)\n", pe->machine,
            machine != NULL ? machine : "unknown");
    fprintf(out, "%16zX number of sections\n", pe->section_count);
    fprintf(out, "%16X time date stamp\n", pe->timestamp);
    fprintf(out, "%16X file pointer to symbol table\n",
            pe->symbol_table_offset);
    fprintf(out, "%16X number of symbols\n", pe->symbol_count);
    fprintf(out, "%16X characteristics\n", pe->characteristics);
    put_bits(out, pe->characteristics, file_characteristics,
             COUNT(file_characteristics));
}

static void print_optional_header(FILE *out, const struct sd_image *image)
{
    const struct sd_pe *pe = &image->pe;
    int w = address_width(image);
    const char *subsystem = sd_pe_subsystem_name(pe->subsystem);
    fprintf(out, "\nOPTIONAL HEADER VALUES\n");
    fprintf(out, "%16X magic # (%s)\n", pe->optional_magic,
            image->format == SD_FORMAT_PE32PLUS ? "PE32+" : "PE32");
    fprintf(out, "%16X entry point (%0*" PRIX64 ")\n", pe->entry_point, w,
            pe->image_base + pe->entry_point);
    fprintf(out, "%16" PRIX64 " image base (%0*" PRIX64 " to %0*" PRIX64 ")\n",
            pe->image_base, w, pe->image_base, w,
            pe->image_base + pe->size_of_image - (pe->size_of_image != 0));
    fprintf(out, "%16X section alignment\n", pe->section_alignment);
    fprintf(out, "%16X file alignment\n", pe->file_alignment);
    fprintf(out, "%16X size of image\n", pe->size_of_image);
    fprintf(out, "%16X size of headers\n", pe->size_of_headers);
    fprintf(out, "%16X subsystem (%s)\n", pe->subsystem,
            subsystem != NULL ? subsystem : "unknown");
    fprintf(out, "%16X DLL characteristics\n", pe->dll_characteristics);
    put_bits(out, pe->dll_characteristics, dll_characteristics,
             COUNT(dll_characteristics));
    fprintf(out, "%16X number of directories\n", pe->directory_count);
}

static void print_section(FILE *out, const struct sd_image *image, size_t index)
{
    const struct sd_pe_section *s = &image->pe.sections[index];
    int w = address_width(image);
    fprintf(out, "\nSECTION HEADER #%zX\n", index + 1);
    sd__put_name(out, s->name, 8);
    fprintf(out, " name\n%8X virtual size\n%8X virtual address",
            s->virtual_size, s->virtual_address);
    if (is_image(image) && s->virtual_size != 0) {
        uint64_t start = image->pe.image_base + s->virtual_address;
        fprintf(out, " (%0*" PRIX64 " to %0*" PRIX64 ")", w, start, w,
                start + s->virtual_size - 1);
    }
    fprintf(out, "\n%8X size of raw data\n%8X file pointer to raw data",
            s->raw_size, s->raw_offset);
    if (s->raw_size != 0 && s->raw_offset != 0)
        fprintf(out, " (%08X to %08" PRIX64 ")", s->raw_offset,
                (uint64_t)s->raw_offset + s->raw_size - 1);
    fprintf(out, "\n%8X file pointer to relocation table\n",
            s->relocations_offset);
    fprintf(out, "%8X file pointer to line numbers\n", s->line_numbers_offset);
    fprintf(out, "%8X number of relocations\n", s->relocation_count);
    fprintf(out, "%8X number of line numbers\n", s->line_number_count);
    fprintf(out, "%08X flags\n", s->characteristics);
    const char *names[24];
    size_t n = sd__pe_section_flag_names(s->characteristics, names, 24);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "         %s\n", names[i]);
}

static void print_exports(FILE *out, const struct sd_pe *pe)
{
    if (pe->export_dll_name == NULL)
        return;
    fprintf(out, "\n  Section contains the following exports for ");
    sd__put_name(out, pe->export_dll_name, 0);
    fprintf(out,
            "\n\n%12X ordinal base\n%12zX number of functions\n"
            "%12zX number of names\n\n    ordinal hint RVA      name\n\n",
            pe->export_ordinal_base, pe->export_function_count,
            pe->export_name_count);
    bool *named = calloc(pe->export_function_count + 1, sizeof *named);
    for (size_t i = 0; i < pe->export_name_count; i++) {
        const struct sd_pe_export_name *e = &pe->export_names[i];
        const struct sd_pe_export_function *f =
            &pe->export_functions[e->function_index];
        if (named != NULL)
            named[e->function_index] = true;
        fprintf(out, "%11" PRIu64 " %4zX %08X ",
                (uint64_t)pe->export_ordinal_base + e->function_index, i,
                f->rva);
        sd__put_name(out, e->name, 0);
        if (f->forwarder != NULL) {
            fprintf(out, " (forwarded to ");
            sd__put_name(out, f->forwarder, 0);
            fprintf(out, ")");
        }
        fprintf(out, "\n");
    }
    for (size_t i = 0; named != NULL && i < pe->export_function_count; i++) {
        if (!named[i] && pe->export_functions[i].rva != 0)
            fprintf(out, "%11" PRIu64 "      %08X [NONAME]\n",
                    (uint64_t)pe->export_ordinal_base + i,
                    pe->export_functions[i].rva);
    }
    free(named);
}

static void print_imports(FILE *out, const struct sd_pe *pe)
{
    if (pe->import_count == 0)
        return;
    fprintf(out, "\n  Section contains the following imports:\n");
    for (size_t i = 0; i < pe->import_count; i++) {
        const struct sd_pe_import_dll *dll = &pe->imports[i];
        fprintf(out, "\n    ");
        sd__put_name(out, dll->name, 0);
        fprintf(out, "\n");
        for (size_t j = 0; j < dll->function_count; j++) {
            const struct sd_pe_import_function *f = &dll->functions[j];
            if (f->name == NULL) {
                fprintf(out, "%16s Ordinal %u\n", "", f->ordinal);
                continue;
            }
            fprintf(out, "%16X ", f->hint);
            sd__put_name(out, f->name, 0);
            fprintf(out, "\n");
        }
    }
}

struct flag_name {
    uint32_t bit;
    const char *name;
};

static const struct flag_name flag_names[] = {
    {SD_SCN_TYPE_NO_PAD, "No Pad"},
    {SD_SCN_CNT_CODE, "Code"},
    {SD_SCN_CNT_INITIALIZED_DATA, "Initialized Data"},
    {SD_SCN_CNT_UNINITIALIZED_DATA, "Uninitialized Data"},
    {SD_SCN_LNK_INFO, "Info"},
    {SD_SCN_LNK_REMOVE, "Remove"},
    {SD_SCN_LNK_COMDAT, "Communal"},
    {SD_SCN_GPREL, "GP Relative"},
    {SD_SCN_LNK_NRELOC_OVFL, "Extended Relocations"},
    {SD_SCN_MEM_DISCARDABLE, "Discardable"},
    {SD_SCN_MEM_NOT_CACHED, "Not Cached"},
    {SD_SCN_MEM_NOT_PAGED, "Not Paged"},
    {SD_SCN_MEM_SHARED, "Shared"},
};

/* dumpbin names the access in one line: "Execute Read", "Read Write", ... */
static const char *access_name(uint32_t flags)
{
    static const char *const names[8] = {
        NULL,    "Execute",       "Read Only",  "Execute Read",
        "Write", "Execute Write", "Read Write", "Execute Read Write"};
    unsigned index = ((flags & SD_SCN_MEM_EXECUTE) ? 1u : 0u) |
                     ((flags & SD_SCN_MEM_READ) ? 2u : 0u) |
                     ((flags & SD_SCN_MEM_WRITE) ? 4u : 0u);
    return names[index];
}

static const char *alignment_name(uint32_t flags)
{
    static const char *const names[16] = {NULL,
                                          "1 byte align",
                                          "2 byte align",
                                          "4 byte align",
                                          "8 byte align",
                                          "16 byte align",
                                          "32 byte align",
                                          "64 byte align",
                                          "128 byte align",
                                          "256 byte align",
                                          "512 byte align",
                                          "1024 byte align",
                                          "2048 byte align",
                                          "4096 byte align",
                                          "8192 byte align",
                                          "(unknown alignment)"};
    return names[(flags & SD_SCN_ALIGN_MASK) >> 20];
}

size_t sd__pe_section_flag_names(uint32_t flags, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
        if ((flags & flag_names[i].bit) && n < max)
            names[n++] = flag_names[i].name;
    }
    const char *extra[] = {alignment_name(flags), access_name(flags)};
    for (size_t i = 0; i < 2; i++) {
        if (extra[i] != NULL && n < max)
            names[n++] = extra[i];
    }
    return n;
}

static int by_name(const void *a, const void *b)
{
    const struct sd_pe_section *const *x = a;
    const struct sd_pe_section *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* An image's section takes whole pages of SectionAlignment in memory; an
 * object's section is just its raw data. */
static uint64_t footprint(const struct sd_image *image,
                          const struct sd_pe_section *s)
{
    if (image->format == SD_FORMAT_COFF)
        return s->raw_size;
    uint64_t size = s->virtual_size != 0 ? s->virtual_size : s->raw_size;
    uint64_t align = image->pe.section_alignment;
    if (align == 0)
        return size;
    return (size + align - 1) / align * align;
}

static void print_summary(FILE *out, const struct sd_image *image)
{
    const struct sd_pe *pe = &image->pe;
    const struct sd_pe_section **sorted =
        malloc((pe->section_count + 1) * sizeof *sorted);
    if (sorted == NULL)
        return;
    for (size_t i = 0; i < pe->section_count; i++)
        sorted[i] = &pe->sections[i];
    qsort(sorted, pe->section_count, sizeof *sorted, by_name);
    fprintf(out, "\n  Summary\n\n");
    for (size_t i = 0; i < pe->section_count;) {
        uint64_t total = 0;
        size_t j = i;
        for (; j < pe->section_count &&
               strcmp(sorted[j]->name, sorted[i]->name) == 0;
             j++)
            total += footprint(image, sorted[j]);
        fprintf(out, "%12llX ", (unsigned long long)total);
        sd__put_name(out, sorted[i]->name, 0);
        fprintf(out, "\n");
        i = j;
    }
    free(sorted);
}

void sd__print_pe_text(FILE *out, const struct sd_image *image)
{
    const struct sd_pe *pe = &image->pe;
    if (is_image(image))
        fprintf(out, "PE signature found\n\nFile Type: %s\n\n",
                (pe->characteristics & 0x2000) ? "DLL" : "EXECUTABLE IMAGE");
    else
        fprintf(out, "File Type: COFF OBJECT\n\n");
    print_file_header(out, image);
    if (is_image(image))
        print_optional_header(out, image);
    for (size_t i = 0; i < pe->section_count; i++)
        print_section(out, image, i);
    print_exports(out, pe);
    print_imports(out, pe);
    print_summary(out, image);
}
