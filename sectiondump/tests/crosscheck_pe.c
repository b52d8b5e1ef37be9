/* PE/COFF fields against x86_64-w64-mingw32-objdump -f -h -p. */
/* gmtime_r is POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "crosscheck.h"
#include "tool_output.h"

#define OBJDUMP "x86_64-w64-mingw32-objdump"

static bool is_image(const struct sd_image *image)
{
    return image->format != SD_FORMAT_COFF;
}

/* The value after "label" on the first line that starts with it. */
static uint64_t field(const char *path, const struct sd_tool_output *out,
                      const char *label, int base)
{
    size_t i = sd__tool_find(out, 0, label);
    if (i == out->count)
        fail_msg("%s: objdump printed no '%s'", path, label);
    const char *line = out->lines[i] + strspn(out->lines[i], " \t");
    return strtoull(line + strlen(label), NULL, base);
}

/* BFD's name for the machine, which objdump -f prints as "architecture:";
 * this objdump reads only x86 PE files. */
static const char *architecture(uint16_t machine)
{
    switch (machine) {
    case 0x14c:
        return "i386";
    case 0x8664:
        return "i386:x86-64";
    default:
        return "(not an x86 machine)";
    }
}

/* objdump prints the stamp with ctime(); the command runs it with TZ=UTC0. */
static const char *ctime_utc(uint32_t stamp, char *buf, size_t size)
{
    time_t t = (time_t)stamp;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, size, "%a %b %e %H:%M:%S %Y", &tm) == 0)
        snprintf(buf, size, "(no date)");
    return buf;
}

static void check_file_header(const char *path, const struct sd_pe *pe,
                              const struct sd_tool_output *out,
                              struct sd_crosscheck_counts *c)
{
    size_t at = sd__tool_find(out, 0, "architecture: ");
    if (at == out->count)
        fail_msg("%s: objdump printed no architecture", path);
    char arch[64];
    snprintf(arch, sizeof arch, "%s",
             out->lines[at] + strlen("architecture: "));
    arch[strcspn(arch, ",")] = '\0';
    sd__expect_str(path, "machine", architecture(pe->machine), arch, c);
    at = sd__tool_find(out, 0, "Time/Date\t");
    if (at == out->count)
        fail_msg("%s: objdump printed no Time/Date", path);
    char date[64];
    sd__expect_str(path, "time date stamp",
                   ctime_utc(pe->timestamp, date, sizeof date),
                   out->lines[at] + strlen("Time/Date") +
                       strspn(out->lines[at] + strlen("Time/Date"), "\t"),
                   c);
    sd__expect_u64(path, "characteristics", pe->characteristics,
                   field(path, out, "Characteristics ", 16), c);
}

static void check_optional_header(const char *path, const struct sd_pe *pe,
                                  const struct sd_tool_output *out,
                                  struct sd_crosscheck_counts *c)
{
    const struct sd_labelled_value fields[] = {
        {"Magic", pe->optional_magic},
        {"AddressOfEntryPoint", pe->entry_point},
        {"ImageBase", pe->image_base},
        {"SectionAlignment", pe->section_alignment},
        {"FileAlignment", pe->file_alignment},
        {"SizeOfImage", pe->size_of_image},
        {"SizeOfHeaders", pe->size_of_headers},
        {"Subsystem", pe->subsystem},
        {"DllCharacteristics", pe->dll_characteristics},
        {"NumberOfRvaAndSizes", pe->directory_count},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        sd__expect_u64(path, fields[i].label, fields[i].ours,
                       field(path, out, fields[i].label, 16), c);
}

/* BFD shows the virtual size when the raw data is padding beyond it, and
 * for uninitialized data that has no raw size. */
static uint64_t bfd_size(const struct sd_image *image,
                         const struct sd_pe_section *s)
{
    bool uninit = s->characteristics & SD_SCN_CNT_UNINITIALIZED_DATA;
    if (s->virtual_size > 0 &&
        ((uninit && (!is_image(image) || s->raw_size == 0)) ||
         (is_image(image) && s->raw_size > s->virtual_size)))
        return s->virtual_size;
    return s->raw_size;
}

static bool is_debug_name(const char *name)
{
    static const char *const prefixes[] = {".debug",
                                           ".zdebug",
                                           ".gnu.linkonce.wi.",
                                           ".gnu.linkonce.wt.",
                                           ".gnu_debuglink",
                                           ".gnu_debugaltlink",
                                           ".stab"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    }
    return false;
}

/* objdump's words for a section, derived from the raw Characteristics the
 * way BFD documents its COFF flag mapping. Only the words below are
 * compared; the rest (alignment, COMDAT kinds) depend on more than them. */
static const char *const compared_words[] = {
    "CONTENTS",  "ALLOC",   "LOAD",   "READONLY", "CODE", "DATA",
    "DEBUGGING", "EXCLUDE", "SHARED", "NOREAD",   "RELOC"};

static bool expected_word(const char *word, const struct sd_pe_section *s)
{
    uint32_t f = s->characteristics;
    bool debug = is_debug_name(s->name);
    bool code = f & SD_SCN_CNT_CODE;
    bool data = (f & SD_SCN_CNT_INITIALIZED_DATA) && !debug;
    const struct {
        const char *word;
        bool set;
    } rules[] = {
        {"CONTENTS", s->raw_offset != 0},
        {"ALLOC", code || data || (f & SD_SCN_CNT_UNINITIALIZED_DATA)},
        {"LOAD", code || data},
        {"READONLY", !(f & SD_SCN_MEM_WRITE) || debug},
        {"CODE", code || (f & SD_SCN_MEM_EXECUTE)},
        {"DATA", data},
        {"DEBUGGING",
         debug && (f & (SD_SCN_MEM_DISCARDABLE | SD_SCN_CNT_INITIALIZED_DATA))},
        {"EXCLUDE", f & SD_SCN_LNK_REMOVE},
        {"SHARED", f & SD_SCN_MEM_SHARED},
        {"NOREAD", !(f & SD_SCN_MEM_READ)},
        {"RELOC", s->relocation_count != 0},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (strcmp(rules[i].word, word) == 0)
            return rules[i].set;
    }
    return false;
}

static bool has_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(line, word); p; p = strstr(p + 1, word)) {
        bool starts = p == line || p[-1] == ' ' || p[-1] == ',';
        bool ends = p[n] == '\0' || p[n] == ',';
        if (starts && ends)
            return true;
    }
    return false;
}

static void check_section(const char *path, const struct sd_image *image,
                          size_t index, const char *header, const char *words,
                          struct sd_crosscheck_counts *c)
{
    const struct sd_pe_section *s = &image->pe.sections[index];
    unsigned idx;
    char name[256];
    unsigned long long size, vma, lma, offset;
    if (sscanf(header, "%u %255s %llx %llx %llx %llx", &idx, name, &size, &vma,
               &lma, &offset) != 6)
        fail_msg("%s: cannot read objdump's section line '%s'", path, header);
    char what[300];
    snprintf(what, sizeof what, "section %zu", index);
    sd__expect_str(path, what, s->name, name, c);
    snprintf(what, sizeof what, "section %s size", name);
    sd__expect_u64(path, what, bfd_size(image, s), size, c);
    snprintf(what, sizeof what, "section %s VMA", name);
    sd__expect_u64(path, what,
                   (is_image(image) ? image->pe.image_base : 0) +
                       s->virtual_address,
                   vma, c);
    snprintf(what, sizeof what, "section %s file offset", name);
    sd__expect_u64(path, what, s->raw_offset, offset, c);
    for (size_t i = 0; i < sizeof compared_words / sizeof compared_words[0];
         i++) {
        snprintf(what, sizeof what, "section %s (flags %08X) word %s", name,
                 s->characteristics, compared_words[i]);
        sd__expect_u64(path, what, expected_word(compared_words[i], s),
                       has_word(words, compared_words[i]), c);
    }
    c->sections++;
}

static void check_sections(const char *path, const struct sd_image *image,
                           const struct sd_tool_output *out,
                           struct sd_crosscheck_counts *c)
{
    size_t at = sd__tool_find(out, 0, "Idx Name") + 1;
    size_t n = 0;
    for (; at + 1 < out->count && n < image->pe.section_count; at += 2, n++)
        check_section(path, image, n, out->lines[at], out->lines[at + 1], c);
    size_t theirs = n;
    while (at < out->count && out->lines[at][0] == ' ' &&
           out->lines[at][2] != ' ') {
        theirs++;
        at += 2;
    }
    sd__expect_u64(path, "section count", image->pe.section_count, theirs, c);
}

/* The table sizes under "Number in:", then "\t[   3] name" lines after the
 * heading, where 3 is the name's index into the export address table. */
static void check_export_names(const char *path, const struct sd_pe *pe,
                               const struct sd_tool_output *out,
                               struct sd_crosscheck_counts *c)
{
    size_t at = sd__tool_find(out, 0, "[Ordinal/Name Pointer] Table");
    if (pe->export_dll_name == NULL) {
        sd__expect_u64(path, "has an export name table", 0, at != out->count,
                       c);
        return;
    }
    sd__expect_u64(path, "number of functions", pe->export_function_count,
                   field(path, out, "Export Address Table ", 16), c);
    sd__expect_u64(path, "number of names", pe->export_name_count,
                   field(path, out, "[Name Pointer/Ordinal] Table", 16), c);
    size_t n = 0;
    for (at++; at < out->count && strncmp(out->lines[at], "\t[", 2) == 0;
         at++, n++) {
        const struct sd_pe_export_name *e =
            n < pe->export_name_count ? &pe->export_names[n] : NULL;
        char what[64];
        snprintf(what, sizeof what, "export name %zu", n);
        sd__expect_str(path, what, e != NULL ? e->name : "(none)",
                       strchr(out->lines[at], ']') + 2, c);
        snprintf(what, sizeof what, "export name %zu ordinal", n);
        sd__expect_u64(path, what, e != NULL ? e->function_index : ~0u,
                       strtoull(out->lines[at] + 2, NULL, 10), c);
        c->exports++;
    }
    sd__expect_u64(path, "export name count", pe->export_name_count, n, c);
}

/* "\t[   0] +base[   1] 4e10 Export RVA" or "... Forwarder RVA -- X". */
static void check_export_addresses(const char *path, const struct sd_pe *pe,
                                   const struct sd_tool_output *out,
                                   struct sd_crosscheck_counts *c)
{
    size_t at = sd__tool_find(out, 0, "Export Address Table -- Ordinal Base");
    if (pe->export_dll_name == NULL || at == out->count)
        return;
    sd__expect_u64(path, "ordinal base", pe->export_ordinal_base,
                   strtoull(strstr(out->lines[at], "Base") + 4, NULL, 10), c);
    for (at++; at < out->count && strncmp(out->lines[at], "\t[", 2) == 0;
         at++) {
        unsigned index;
        unsigned long long rva;
        if (sscanf(out->lines[at], "\t[%u] +base[%*u] %llx", &index, &rva) != 2)
            fail_msg("%s: cannot read '%s'", path, out->lines[at]);
        if (index >= pe->export_function_count)
            fail_msg("%s: objdump lists export slot %u of %zu", path, index,
                     pe->export_function_count);
        const struct sd_pe_export_function *f = &pe->export_functions[index];
        char what[64];
        snprintf(what, sizeof what, "export slot %u RVA", index);
        sd__expect_u64(path, what, f->rva, rva, c);
        const char *forward = strstr(out->lines[at], "Forwarder RVA -- ");
        snprintf(what, sizeof what, "export slot %u forwarder", index);
        sd__expect_str(path, what, f->forwarder ? f->forwarder : "",
                       forward ? forward + 17 : "", c);
    }
}

static void check_import_functions(const char *path,
                                   const struct sd_pe_import_dll *dll,
                                   const struct sd_tool_output *out, size_t at,
                                   struct sd_crosscheck_counts *c)
{
    size_t n = 0;
    for (; at < out->count && out->lines[at][0] == '\t'; at++, n++) {
        unsigned long long vma;
        char number[32], name[512];
        if (sscanf(out->lines[at], "\t%llx %31s %511s", &vma, number, name) !=
            3)
            fail_msg("%s: cannot read '%s'", path, out->lines[at]);
        const struct sd_pe_import_function *f =
            n < dll->function_count ? &dll->functions[n] : NULL;
        char what[600];
        snprintf(what, sizeof what, "import %s #%zu", dll->name, n);
        if (f == NULL)
            fail_msg("%s: objdump lists more imports from %s", path, dll->name);
        /* The hint is in decimal, an ordinal in hex. */
        bool by_ordinal = strcmp(name, "<none>") == 0;
        sd__expect_str(path, what, f->name ? f->name : "<none>", name, c);
        sd__expect_u64(path, what, by_ordinal ? f->ordinal : f->hint,
                       strtoull(number, NULL, by_ordinal ? 16 : 10), c);
        c->imports++;
    }
    sd__expect_u64(path, "import count", dll->function_count, n, c);
}

static void check_imports(const char *path, const struct sd_pe *pe,
                          const struct sd_tool_output *out,
                          struct sd_crosscheck_counts *c)
{
    size_t at = 0, n = 0;
    while ((at = sd__tool_find(out, at, "DLL Name: ")) < out->count) {
        const char *name = strstr(out->lines[at], "DLL Name: ") + 10;
        if (n >= pe->import_count)
            fail_msg("%s: objdump lists more imported DLLs", path);
        sd__expect_str(path, "imported DLL", pe->imports[n].name, name, c);
        check_import_functions(path, &pe->imports[n], out, at + 2, c);
        at++;
        n++;
    }
    sd__expect_u64(path, "imported DLL count", pe->import_count, n, c);
}

void sd__crosscheck_pe(const char *path, const struct sd_image *image,
                       struct sd_crosscheck_counts *counts)
{
    struct sd_tool_output out;
    if (sd__tool_run(&out, "TZ=UTC0 " OBJDUMP, "-f -h -p", path) != 0)
        fail_msg("%s: %s failed", path, OBJDUMP);
    check_file_header(path, &image->pe, &out, counts);
    if (is_image(image))
        check_optional_header(path, &image->pe, &out, counts);
    check_sections(path, image, &out, counts);
    check_export_names(path, &image->pe, &out, counts);
    check_export_addresses(path, &image->pe, &out, counts);
    check_imports(path, &image->pe, &out, counts);
    sd__tool_free(&out);
}
