/* ELF fields against readelf -h -S -W --dyn-syms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crosscheck.h"
#include "tool_output.h"

enum { MAX_TOKENS = 16 };

/* Splits line in place at blanks; returns the number of tokens. */
static size_t tokenize(char *line, char **tokens)
{
    size_t n = 0;
    for (char *t = strtok(line, " \t"); t != NULL && n < MAX_TOKENS;
         t = strtok(NULL, " \t"))
        tokens[n++] = t;
    return n;
}

static uint64_t hex(const char *text)
{
    return strtoull(text, NULL, 16);
}

static void check_header(const char *path, const struct sc_sd_image *image,
                         const struct tool_output *out,
                         struct crosscheck_counts *c)
{
    size_t at = tool_find(out, 0, "Entry point address:");
    size_t sections = tool_find(out, 0, "Number of section headers:");
    if (at == out->count || sections == out->count)
        fail_msg("%s: readelf printed no ELF header", path);
    expect_u64(path, "entry point", image->elf.entry,
               strtoull(strchr(out->lines[at], ':') + 1, NULL, 16), c);
    expect_u64(path, "section count", image->elf.section_count,
               strtoull(strchr(out->lines[sections], ':') + 1, NULL, 10), c);
}

/* "  [Nr] Name Type Address Off Size ES Flg Lk Inf Al"; the name of
 * section 0 and the flags of most sections are blank. */
static void check_section(const char *path, const struct sc_sd_image *image,
                          size_t index, const char *text,
                          struct crosscheck_counts *c)
{
    const struct sc_sd_elf_section *s = &image->elf.sections[index];
    char line[1024], *t[MAX_TOKENS];
    snprintf(line, sizeof line, "%s", strchr(text, ']') + 1);
    bool unnamed = line[1] == ' ';
    size_t n = tokenize(line, t);
    size_t first = unnamed ? 0 : 1; /* index of the type */
    bool flagged = n == first + 9;
    if (n != first + 8 && !flagged)
        fail_msg("%s: cannot read readelf's section line '%s'", path, text);
    char what[300], type[40], flags[16];
    snprintf(what, sizeof what, "section %zu", index);
    expect_str(path, what, s->name, unnamed ? "" : t[0], c);
    snprintf(what, sizeof what, "section %zu (%s) ", index, s->name);
    size_t w = strlen(what);
    const char *fields[] = {"type", "address",    "offset",
                            "size", "entry size", "flags",
                            "link", "info",       "alignment"};
    const char *flag_text = flagged ? t[first + 5] : "";
    size_t after = first + (flagged ? 6 : 5);
    strcpy(what + w, fields[0]);
    expect_str(path, what,
               sc_sd_elf_section_type_name(s->type, image->elf.machine, type,
                                           sizeof type),
               t[first], c);
    const uint64_t ours[] = {s->address, s->offset, s->size, s->entry_size};
    for (size_t i = 0; i < 4; i++) {
        strcpy(what + w, fields[1 + i]);
        expect_u64(path, what, ours[i], hex(t[first + 1 + i]), c);
    }
    strcpy(what + w, fields[5]);
    expect_str(path, what,
               sc_sd_elf_section_flag_letters(s->flags, image->elf.machine,
                                              image->elf.osabi, flags,
                                              sizeof flags),
               flag_text, c);
    const uint64_t tail[] = {s->link, s->info, s->alignment};
    for (size_t i = 0; i < 3; i++) {
        strcpy(what + w, fields[6 + i]);
        expect_u64(path, what, tail[i], strtoull(t[after + i], NULL, 10), c);
    }
    c->sections++;
}

static void check_sections(const char *path, const struct sc_sd_image *image,
                           const struct tool_output *out,
                           struct crosscheck_counts *c)
{
    size_t at = tool_find(out, 0, "[Nr] Name") + 1;
    size_t n = 0;
    for (; at < out->count && strncmp(out->lines[at], "  [", 3) == 0;
         at++, n++) {
        if (n >= image->elf.section_count)
            fail_msg("%s: readelf lists more sections", path);
        check_section(path, image, n, out->lines[at], c);
    }
    expect_u64(path, "listed sections", image->elf.section_count, n, c);
}

/* The Ndx column: a number, or the name of a reserved index. */
static const char *section_index(uint16_t index)
{
    static char number[8];
    switch (index) {
    case 0:
        return "UND";
    case 0xfff1:
        return "ABS";
    case 0xfff2:
        return "COM";
    default:
        snprintf(number, sizeof number, "%u", index);
        return number;
    }
}

/* "  Num: Value Size Type Bind Vis Ndx Name[@version (n)]" */
static void check_symbol(const char *path, const struct sc_sd_elf_symbol *sym,
                         size_t index, const char *text,
                         struct crosscheck_counts *c)
{
    char line[4096], *t[MAX_TOKENS];
    snprintf(line, sizeof line, "%s", text);
    size_t n = tokenize(line, t);
    if (n < 7)
        fail_msg("%s: cannot read readelf's symbol line '%s'", path, text);
    char name[4096] = "";
    if (n > 7 && t[7][0] != '[') /* "[VARIANT_PCS]" and such follow Vis */
        snprintf(name, sizeof name, "%s", t[7]);
    name[strcspn(name, "@")] = '\0'; /* readelf appends the version */
    char what[4200];
    snprintf(what, sizeof what, "dynamic symbol %zu", index);
    expect_str(path, what, sym->name, name, c);
    size_t w = strlen(what);
    strcpy(what + w, " value");
    expect_u64(path, what, sym->value, hex(t[1]), c);
    strcpy(what + w, " size");
    expect_u64(path, what, sym->size, strtoull(t[2], NULL, 0), c);
    strcpy(what + w, " type");
    expect_str(path, what, sc_sd_elf_symbol_type_name(sym->type), t[3], c);
    strcpy(what + w, " binding");
    expect_str(path, what, sc_sd_elf_binding_name(sym->binding), t[4], c);
    strcpy(what + w, " visibility");
    expect_str(path, what, sc_sd_elf_visibility_name(sym->visibility), t[5], c);
    strcpy(what + w, " section");
    expect_str(path, what, section_index(sym->section_index), t[6], c);
    c->symbols++;
}

static void check_symbols(const char *path, const struct sc_sd_image *image,
                          const struct tool_output *out,
                          struct crosscheck_counts *c)
{
    const struct sc_sd_elf *elf = &image->elf;
    size_t at = tool_find(out, 0, "Symbol table '.dynsym'");
    if (elf->dynamic_symbol_section == 0) {
        expect_u64(path, "has .dynsym", 0, at != out->count, c);
        return;
    }
    size_t n = 0;
    for (at += 2; at < out->count && strchr(out->lines[at], ':') != NULL;
         at++, n++) {
        if (n >= elf->dynamic_symbol_count)
            fail_msg("%s: readelf lists more dynamic symbols", path);
        check_symbol(path, &elf->dynamic_symbols[n], n, out->lines[at], c);
    }
    expect_u64(path, "dynamic symbol count", elf->dynamic_symbol_count, n, c);
}

void crosscheck_elf(const char *path, const struct sc_sd_image *image,
                    struct crosscheck_counts *counts)
{
    struct tool_output out;
    if (tool_run(&out, "readelf", "-h -S -W --dyn-syms", path) != 0)
        fail_msg("%s: readelf failed", path);
    check_header(path, image, &out, counts);
    check_sections(path, image, &out, counts);
    check_symbols(path, image, &out, counts);
    tool_free(&out);
}
