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

/* The text after "label" on the first line that starts with it. */
static const char *text_after(const char *path,
                              const struct sd_tool_output *out,
                              const char *label)
{
    size_t at = sd__tool_find(out, 0, label);
    if (at == out->count)
        fail_msg("%s: readelf printed no '%s'", path, label);
    const char *text = out->lines[at] + strspn(out->lines[at], " ");
    return text + strlen(label) + strspn(text + strlen(label), " ");
}

/* readelf calls a DYN file with DF_1_PIE in its dynamic section a
 * "Position-Independent Executable file"; sectiondump reads no dynamic
 * section, so there only the type's keyword is compared. */
static void check_type(const char *path, const char *ours, const char *theirs,
                       struct sd_crosscheck_counts *c)
{
    if (ours == NULL || strstr(theirs, "(Position-Independent ") == NULL) {
        sd__expect_str(path, "type", ours, theirs, c);
        return;
    }
    char our_word[16], their_word[16];
    snprintf(our_word, sizeof our_word, "%.*s", (int)strcspn(ours, " "), ours);
    snprintf(their_word, sizeof their_word, "%.*s", (int)strcspn(theirs, " "),
             theirs);
    sd__expect_str(path, "type keyword", our_word, their_word, c);
}

/* Every line of sectiondump's "ELF Header:" block. Class, data and OS/ABI
 * are also compared as the bytes of readelf's "Magic:" line. */
static void check_header(const char *path, const struct sd_image *image,
                         const struct sd_tool_output *out,
                         struct sd_crosscheck_counts *c)
{
    const struct sd_elf *elf = &image->elf;
    unsigned magic[8];
    if (sscanf(text_after(path, out, "Magic:"), "%x %x %x %x %x %x %x %x",
               &magic[0], &magic[1], &magic[2], &magic[3], &magic[4], &magic[5],
               &magic[6], &magic[7]) != 8)
        fail_msg("%s: cannot read readelf's Magic line", path);
    bool is64 = image->format == SD_FORMAT_ELF64;
    sd__expect_u64(path, "class byte", is64 ? 2 : 1, magic[4], c);
    sd__expect_str(path, "class", is64 ? "ELF64" : "ELF32",
                   text_after(path, out, "Class:"), c);
    sd__expect_u64(path, "data byte", elf->big_endian ? 2 : 1, magic[5], c);
    sd__expect_str(path, "data",
                   elf->big_endian ? "2's complement, big endian"
                                   : "2's complement, little endian",
                   text_after(path, out, "Data:"), c);
    sd__expect_u64(path, "OS/ABI", elf->osabi, magic[7], c);
    check_type(path, sd_elf_file_type_name(elf->type),
               text_after(path, out, "Type:"), c);
    sd__expect_str(path, "machine", sd_elf_machine_name(elf->machine),
                   text_after(path, out, "Machine:"), c);
    const struct {
        const char *label;
        uint64_t ours;
        int base;
    } numbers[] = {
        {"Entry point address:", elf->entry, 16},
        {"Start of section headers:", elf->section_headers_offset, 10},
        {"Flags:", elf->flags, 16},
        {"Number of section headers:", elf->section_count, 10},
        {"Section header string table index:", elf->section_name_index, 10},
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        sd__expect_u64(path, numbers[i].label, numbers[i].ours,
                       strtoull(text_after(path, out, numbers[i].label), NULL,
                                numbers[i].base),
                       c);
}

/* "  [Nr] Name Type Address Off Size ES Flg Lk Inf Al"; the name of
 * section 0 and the flags of most sections are blank. */
static void check_section(const char *path, const struct sd_image *image,
                          size_t index, const char *text,
                          struct sd_crosscheck_counts *c)
{
    const struct sd_elf_section *s = &image->elf.sections[index];
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
    sd__expect_str(path, what, s->name, unnamed ? "" : t[0], c);
    snprintf(what, sizeof what, "section %zu (%s) ", index, s->name);
    size_t w = strlen(what);
    const char *fields[] = {"type", "address",    "offset",
                            "size", "entry size", "flags",
                            "link", "info",       "alignment"};
    const char *flag_text = flagged ? t[first + 5] : "";
    size_t after = first + (flagged ? 6 : 5);
    strcpy(what + w, fields[0]);
    sd__expect_str(path, what,
                   sd_elf_section_type_name(s->type, image->elf.machine, type,
                                            sizeof type),
                   t[first], c);
    const uint64_t ours[] = {s->address, s->offset, s->size, s->entry_size};
    for (size_t i = 0; i < 4; i++) {
        strcpy(what + w, fields[1 + i]);
        sd__expect_u64(path, what, ours[i], hex(t[first + 1 + i]), c);
    }
    strcpy(what + w, fields[5]);
    sd__expect_str(path, what,
                   sd_elf_section_flag_letters(s->flags, image->elf.machine,
                                               image->elf.osabi, flags,
                                               sizeof flags),
                   flag_text, c);
    const uint64_t tail[] = {s->link, s->info, s->alignment};
    for (size_t i = 0; i < 3; i++) {
        strcpy(what + w, fields[6 + i]);
        sd__expect_u64(path, what, tail[i], strtoull(t[after + i], NULL, 10),
                       c);
    }
    c->sections++;
}

static void check_sections(const char *path, const struct sd_image *image,
                           const struct sd_tool_output *out,
                           struct sd_crosscheck_counts *c)
{
    size_t at = sd__tool_find(out, 0, "[Nr] Name") + 1;
    size_t n = 0;
    for (; at < out->count && strncmp(out->lines[at], "  [", 3) == 0;
         at++, n++) {
        if (n >= image->elf.section_count)
            fail_msg("%s: readelf lists more sections", path);
        check_section(path, image, n, out->lines[at], c);
    }
    sd__expect_u64(path, "listed sections", image->elf.section_count, n, c);
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
static void check_symbol(const char *path, const struct sd_elf_symbol *sym,
                         size_t index, const char *text,
                         struct sd_crosscheck_counts *c)
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
    sd__expect_str(path, what, sym->name, name, c);
    size_t w = strlen(what);
    strcpy(what + w, " value");
    sd__expect_u64(path, what, sym->value, hex(t[1]), c);
    strcpy(what + w, " size");
    sd__expect_u64(path, what, sym->size, strtoull(t[2], NULL, 0), c);
    strcpy(what + w, " type");
    sd__expect_str(path, what, sd_elf_symbol_type_name(sym->type), t[3], c);
    strcpy(what + w, " binding");
    sd__expect_str(path, what, sd_elf_binding_name(sym->binding), t[4], c);
    strcpy(what + w, " visibility");
    sd__expect_str(path, what, sd_elf_visibility_name(sym->visibility), t[5],
                   c);
    strcpy(what + w, " section");
    sd__expect_str(path, what, section_index(sym->section_index), t[6], c);
    c->symbols++;
}

static void check_symbols(const char *path, const struct sd_image *image,
                          const struct sd_tool_output *out,
                          struct sd_crosscheck_counts *c)
{
    const struct sd_elf *elf = &image->elf;
    size_t at = sd__tool_find(out, 0, "Symbol table '.dynsym'");
    if (elf->dynamic_symbol_section == 0) {
        sd__expect_u64(path, "has .dynsym", 0, at != out->count, c);
        return;
    }
    size_t n = 0;
    for (at += 2; at < out->count && strchr(out->lines[at], ':') != NULL;
         at++, n++) {
        if (n >= elf->dynamic_symbol_count)
            fail_msg("%s: readelf lists more dynamic symbols", path);
        check_symbol(path, &elf->dynamic_symbols[n], n, out->lines[at], c);
    }
    sd__expect_u64(path, "dynamic symbol count", elf->dynamic_symbol_count, n,
                   c);
}

/* The flags as a number, which the JSON report prints: readelf -t shows it
 * as "       [0000000000000002]: ALLOC" under each section, where -S's key
 * letters turn all unknown bits into x, o or p. */
static void check_raw_flags(const char *path, const struct sd_elf *elf,
                            struct sd_crosscheck_counts *c)
{
    struct sd_tool_output out;
    if (sd__tool_run(&out, "readelf", "-t -W", path) != 0)
        fail_msg("%s: readelf -t failed", path);
    size_t n = 0;
    for (size_t i = 0; i < out.count; i++) {
        unsigned long long flags;
        int end = -1;
        if (sscanf(out.lines[i], " [%llx]:%n", &flags, &end) != 1 || end < 0)
            continue;
        if (n >= elf->section_count)
            fail_msg("%s: readelf -t lists more sections", path);
        char what[300];
        snprintf(what, sizeof what, "section %zu (%s) flags", n,
                 elf->sections[n].name);
        sd__expect_u64(path, what, elf->sections[n].flags, flags, c);
        n++;
    }
    sd__expect_u64(path, "sections listed by readelf -t", elf->section_count, n,
                   c);
    sd__tool_free(&out);
}

void sd__crosscheck_elf(const char *path, const struct sd_image *image,
                        struct sd_crosscheck_counts *counts)
{
    struct sd_tool_output out;
    if (sd__tool_run(&out, "readelf", "-h -S -W --dyn-syms", path) != 0)
        fail_msg("%s: readelf failed", path);
    check_header(path, image, &out, counts);
    check_sections(path, image, &out, counts);
    check_symbols(path, image, &out, counts);
    sd__tool_free(&out);
    check_raw_flags(path, &image->elf, counts);
}
