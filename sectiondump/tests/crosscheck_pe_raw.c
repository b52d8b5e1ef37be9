/* The PE/COFF header fields that objdump 2.40 does not print (the symbol
 * table's place and size, each section's two sizes, relocation and
 * line-number pointers and counts, raw flags), against llvm-readobj
 * --file-headers --sections, an implementation that shares no code with
 * BFD. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crosscheck.h"
#include "tool_output.h"

/* The number on the first line at or after from that starts with label:
 * the one in parentheses when there is one ("Machine: X (0x8664)"),
 * otherwise the one after the colon, in hex with 0x or in decimal. */
static uint64_t value(const char *path, const struct sd_tool_output *out,
                      size_t from, const char *label)
{
    size_t at = sd__tool_find(out, from, label);
    if (at == out->count)
        fail_msg("%s: llvm-readobj printed no '%s'", path, label);
    const char *text =
        out->lines[at] + strspn(out->lines[at], " ") + strlen(label);
    const char *paren = strchr(text, '(');
    return strtoull(paren != NULL ? paren + 1 : text, NULL, 0);
}

static void check_file_header(const char *path, const struct sd_pe *pe,
                              const struct sd_tool_output *out,
                              struct sd_crosscheck_counts *c)
{
    const struct sd_labelled_value fields[] = {
        {"Machine:", pe->machine},
        {"SectionCount:", pe->section_count},
        {"TimeDateStamp:", pe->timestamp},
        {"PointerToSymbolTable:", pe->symbol_table_offset},
        {"SymbolCount:", pe->symbol_count},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        sd__expect_u64(path, fields[i].label, fields[i].ours,
                       value(path, out, 0, fields[i].label), c);
}

/* "  Name: .text (2E 74 65 78 74 00 00 00)": the name before the bytes. */
static void check_name(const char *path, const struct sd_pe_section *s,
                       const struct sd_tool_output *out, size_t at,
                       const char *what, struct sd_crosscheck_counts *c)
{
    at = sd__tool_find(out, at, "Name:");
    if (at == out->count)
        fail_msg("%s: llvm-readobj printed no name for %s", path, what);
    char name[512];
    snprintf(name, sizeof name, "%s", strchr(out->lines[at], ':') + 2);
    char *bytes = strrchr(name, '(');
    if (bytes != NULL && bytes > name)
        bytes[-1] = '\0';
    sd__expect_str(path, what, s->name, name, c);
}

static void check_sections(const char *path, const struct sd_pe *pe,
                           const struct sd_tool_output *out,
                           struct sd_crosscheck_counts *c)
{
    size_t at = 0;
    for (size_t i = 0; i < pe->section_count; i++) {
        const struct sd_pe_section *s = &pe->sections[i];
        char what[300];
        snprintf(what, sizeof what, "section %zu", i + 1);
        at = sd__tool_find(out, at, "Section {");
        if (at == out->count)
            fail_msg("%s: llvm-readobj lists fewer sections", path);
        check_name(path, s, out, at, what, c);
        const struct sd_labelled_value fields[] = {
            {"VirtualSize:", s->virtual_size},
            {"VirtualAddress:", s->virtual_address},
            {"RawDataSize:", s->raw_size},
            {"PointerToRawData:", s->raw_offset},
            {"PointerToRelocations:", s->relocations_offset},
            {"PointerToLineNumbers:", s->line_numbers_offset},
            {"RelocationCount:", s->relocation_count},
            {"LineNumberCount:", s->line_number_count},
            {"Characteristics [", s->characteristics},
        };
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            snprintf(what, sizeof what, "section %zu (%s) %s", i + 1, s->name,
                     fields[f].label);
            sd__expect_u64(path, what, fields[f].ours,
                           value(path, out, at, fields[f].label), c);
        }
        at++;
    }
    sd__expect_u64(path, "llvm-readobj lists more sections", 0,
                   sd__tool_find(out, at, "Section {") != out->count, c);
}

void sd__crosscheck_pe_raw(const char *path, const struct sd_image *image,
                           struct sd_crosscheck_counts *counts)
{
    struct sd_tool_output out;
    if (sd__tool_run(&out, "llvm-readobj", "--file-headers --sections", path) !=
        0)
        fail_msg("%s: llvm-readobj failed", path);
    check_file_header(path, &image->pe, &out, counts);
    check_sections(path, &image->pe, &out, counts);
    sd__tool_free(&out);
}
