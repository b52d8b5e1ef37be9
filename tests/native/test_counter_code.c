/* The machine code of the section builds' counter operations, as
 * sectiondump's parser finds it in libsharedcounter.so of this tree and in
 * sharedcounter.dll of each Windows tree: every operation's one memory
 * access is an instruction whose operand is the counter itself, addressed
 * relative to the instruction (RIP-relative), so that no load of the
 * counter's address (a pointer, a GOT entry, a .refptr slot) comes before
 * it (dll/counter_storage.h). The hardened DLL, which keeps a pointer to
 * its mapping, is not checked. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"
#include "sectiondump.h"

/* How far into a function its counter access may start: room for an
 * endbr64 and the move of the argument or the constant into a register,
 * not for a 7-byte load of an address besides. */
enum { ACCESS_WITHIN = 12, REX_W = 0x48, REX_WR = 0x4c, LOCK = 0xf0 };

/* The "|"-separated Windows build trees; set by the build, may be empty. */
#if defined(SC_WINDOWS_TREES)
static const char windows_trees[] = SC_WINDOWS_TREES;
#endif

/* An operation and the opcode of its access: lock xadd (0f c1), lock
 * cmpxchg (0f b1), xchg (87, locked without a prefix) or mov load (8b). */
struct operation {
    const char *name;
    int locked;
    unsigned char opcode[2];
    size_t opcode_size;
};

static const struct operation operations[] = {
    {"sc_get", 0, {0x8b}, 1},
    {"sc_increment", 1, {0x0f, 0xc1}, 2},
    {"sc_decrement", 1, {0x0f, 0xc1}, 2},
    {"sc_add", 1, {0x0f, 0xc1}, 2},
    {"sc_exchange", 0, {0x87}, 1},
    {"sc_compare_exchange", 1, {0x0f, 0xb1}, 2},
};

/* A function's first bytes and the address (RVA or virtual address) of
 * the first one. */
struct code {
    const unsigned char *bytes;
    size_t size;
    uint64_t address;
};

/* The address of the counter access that starts at bytes[at], if the
 * instruction there is op with a RIP-relative operand (ModRM mod 00,
 * r/m 101, then a 32-bit displacement from the next instruction). */
static int access_at(const struct code *code, size_t at,
                     const struct operation *op, uint64_t *target)
{
    const unsigned char *p = code->bytes + at;
    size_t size = (size_t)op->locked + 1 + op->opcode_size + 1 + 4;

    if (at + size > code->size || (op->locked && *p++ != LOCK))
        return 0;
    if ((*p != REX_W && *p != REX_WR) ||
        memcmp(p + 1, op->opcode, op->opcode_size) != 0)
        return 0;
    p += 1 + op->opcode_size;
    if ((*p & 0xc7) != 0x05)
        return 0;
    uint32_t displacement = (uint32_t)p[1] | (uint32_t)p[2] << 8 |
                            (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
    *target =
        code->address + at + size + (uint64_t)(int64_t)(int32_t)displacement;
    return 1;
}

static void assert_addresses_counter(const char *image,
                                     const struct operation *op,
                                     const struct code *code, uint64_t counter)
{
    for (size_t at = 0; at <= ACCESS_WITHIN; at++) {
        uint64_t target;
        if (access_at(code, at, op, &target) && target == counter)
            return;
    }
    fail_msg("%s: %s does not start with an access to the counter at "
             "0x%llx relative to itself",
             image, op->name, (unsigned long long)counter);
}

static const struct sd_elf_section *elf_section(const struct sd_elf *elf,
                                                const char *name)
{
    for (size_t i = 1; i < elf->section_count; i++)
        if (strcmp(elf->sections[i].name, name) == 0)
            return &elf->sections[i];
    return NULL;
}

/* Whether the library defines the function name; if so, its code. */
static int elf_function(const struct sc_test_image *l, const char *name,
                        struct code *code)
{
    const struct sd_elf *elf = &l->parsed.elf;

    for (size_t i = 1; i < elf->dynamic_symbol_count; i++) {
        const struct sd_elf_symbol *s = &elf->dynamic_symbols[i];
        if (strcmp(s->name, name) != 0 || s->section_index == SD_SHN_UNDEF)
            continue;
        assert_true(s->section_index < elf->section_count);
        const struct sd_elf_section *text = &elf->sections[s->section_index];
        uint64_t offset = text->offset + (s->value - text->address);
        assert_true(s->value >= text->address && offset + s->size <= l->size);
        *code = (struct code){l->data + offset, s->size, s->value};
        return 1;
    }
    return 0;
}

static void library_addresses_counter_directly(void **state)
{
    struct sc_test_image l;

    (void)state;
    sc__test_image_load_path(&l, SC_LIBRARY_FILE);
    assert_int_equal(l.parsed.format, SD_FORMAT_ELF64);
    const struct sd_elf_section *shared =
        elf_section(&l.parsed.elf, "sc_shared");
    assert_non_null(shared);
    for (size_t i = 0; i < sizeof operations / sizeof *operations; i++) {
        struct code code;
        assert_true(elf_function(&l, operations[i].name, &code));
        assert_addresses_counter(SC_LIBRARY_FILE, &operations[i], &code,
                                 shared->address);
    }
    sc__test_image_free(&l);
}

static const struct sd_pe_section *pe_section_of(const struct sd_pe *pe,
                                                 uint32_t rva)
{
    for (size_t i = 0; i < pe->section_count; i++) {
        const struct sd_pe_section *s = &pe->sections[i];
        if (rva >= s->virtual_address && rva - s->virtual_address < s->raw_size)
            return s;
    }
    return NULL;
}

/* Whether the DLL exports the function name; if so, its code, up to the
 * end of its section. */
static int pe_function(const struct sc_test_image *l, const char *name,
                       struct code *code)
{
    const struct sd_pe *pe = &l->parsed.pe;

    for (size_t i = 0; i < pe->export_name_count; i++) {
        if (strcmp(pe->export_names[i].name, name) != 0)
            continue;
        uint32_t index = pe->export_names[i].function_index;
        assert_true(index < pe->export_function_count);
        uint32_t rva = pe->export_functions[index].rva;
        const struct sd_pe_section *text = pe_section_of(pe, rva);
        assert_non_null(text);
        size_t offset = text->raw_offset + (rva - text->virtual_address);
        size_t size = text->raw_size - (rva - text->virtual_address);
        assert_true(offset + size <= l->size);
        *code = (struct code){l->data + offset, size, rva};
        return 1;
    }
    return 0;
}

#if defined(SC_WINDOWS_TREES)
static void check_dll(const char *path)
{
    struct sc_test_image l;

    sc__test_image_load_path(&l, path);
    assert_int_equal(l.parsed.format, SD_FORMAT_PE32PLUS);
    long shared = sd_pe_find_section(&l.parsed.pe, ".shared");
    assert_true(shared >= 0);
    uint64_t counter = l.parsed.pe.sections[shared].virtual_address;
    for (size_t i = 0; i < sizeof operations / sizeof *operations; i++) {
        struct code code;
        assert_true(pe_function(&l, operations[i].name, &code));
        assert_addresses_counter(path, &operations[i], &code, counter);
    }
    sc__test_image_free(&l);
}

static void dlls_address_counter_directly(void **state)
{
    char trees[sizeof windows_trees], path[4096];
    int checked = 0;

    (void)state;
    memcpy(trees, windows_trees, sizeof trees);
    for (char *tree = strtok(trees, "|"); tree != NULL;
         tree = strtok(NULL, "|")) {
        snprintf(path, sizeof path, "%s/bin/sharedcounter.dll", tree);
        if (access(path, R_OK) != 0)
            fail_msg("%s is not built: build the Windows trees first (make "
                     "build), or configure this tree with -DSC_WINDOWS_TREES= "
                     "to leave them out",
                     path);
        check_dll(path);
        checked++;
    }
    assert_true(checked > 0);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(library_addresses_counter_directly),
#if defined(SC_WINDOWS_TREES)
        cmocka_unit_test(dlls_address_counter_directly),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
