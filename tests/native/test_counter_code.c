/* The machine code of the section builds' counter operations, as
 * sectiondump's parser finds it in libsharedcounter.so of this tree and in
 * sharedcounter.dll of each Windows tree: every operation's access to the
 * counter is an instruction whose operand is the counter itself, addressed
 * relative to the instruction (RIP-relative), so that no load of the
 * counter's address (a pointer, a GOT entry, a .refptr slot) comes before
 * it (dll/counter_storage.h). Each update is exactly one locked instruction
 * on the counter, followed by exactly one plain load of the waiters' word
 * beside it (counter.c, "Waiting for a change"): what sc_wait costs every
 * writer. The hardened DLL, which keeps a pointer to its mapping, is not
 * checked.
 *
 * That holds where the compiler inlines each operation's helpers, at -O2
 * and above: the build defines SC_LIBRARY_OPTIMIZATION when this tree
 * compiles the library so. Below that (-O0, -O1, -Os) an operation calls
 * add_and_get(), counter() or wake_waiters() instead, and the check of this
 * tree's library skips, saying why. The Windows trees are read as they are:
 * their presets build them at -O2. */
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

#include "image.h"
#include "sectiondump.h"
#include "support.h"

/* How far into a function its counter access may start: room for an
 * endbr64 and the move of the argument or the constant into a register,
 * not for a 7-byte load of an address besides. */
enum { ACCESS_WITHIN = 12, REX_W = 0x48, REX_WR = 0x4c, LOCK = 0xf0 };

/* The waiters' word's offset from the counter, and the load of it: mov
 * r64, m64 (8b, with REX.W, or REX.W and REX.R). */
enum { WAITING_OFFSET = 8, MOV_LOAD = 0x8b };

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

/* A function's bytes (on PE up to the next export) and the address (RVA
 * or virtual address) of the first one. */
struct code {
    const unsigned char *bytes;
    size_t size;
    uint64_t address;
};

/* The address a RIP-relative operand at p (ModRM, then the displacement)
 * names, for an instruction that ends at end, if p holds one. */
static int rip_relative(const unsigned char *p, uint64_t end, uint64_t *target)
{
    if ((*p & 0xc7) != 0x05)
        return 0;
    uint32_t displacement = (uint32_t)p[1] | (uint32_t)p[2] << 8 |
                            (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
    *target = end + (uint64_t)(int64_t)(int32_t)displacement;
    return 1;
}

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
    return rip_relative(p + 1 + op->opcode_size, code->address + at + size,
                        target);
}

/* Whether a plain 64-bit load of the waiters' word starts at bytes[at]. */
static int waiting_load_at(const struct code *code, size_t at, uint64_t counter)
{
    const unsigned char *p = code->bytes + at;
    size_t size = 1 + 1 + 1 + 4;
    uint64_t target;

    if (at + size > code->size || (p[0] != REX_W && p[0] != REX_WR) ||
        p[1] != MOV_LOAD)
        return 0;
    return rip_relative(p + 2, code->address + at + size, &target) &&
           target == counter + WAITING_OFFSET;
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

/* An update: one locked instruction on the counter in the whole function,
 * of any operation's kind, and after it one load of the waiters' word. The
 * wake itself is a call, taken only when waiters have armed. */
static void assert_update_path(const char *image, const struct operation *op,
                               const struct code *code, uint64_t counter)
{
    size_t locked = 0, loads = 0, locked_at = 0, load_at = 0;

    for (size_t at = 0; at < code->size; at++) {
        int update = 0;
        for (size_t i = 1; i < sizeof operations / sizeof *operations; i++) {
            uint64_t target;
            update |= access_at(code, at, &operations[i], &target) &&
                      target == counter;
        }
        if (update) {
            locked++;
            locked_at = at;
        }
        if (waiting_load_at(code, at, counter)) {
            loads++;
            load_at = at;
        }
    }
    if (locked != 1 || loads != 1 || load_at < locked_at)
        fail_msg("%s: %s has %zu locked instructions on the counter and %zu "
                 "loads of the waiters' word at 0x%llx (the load at +%zu, the "
                 "update at +%zu); expected one of each, the update first",
                 image, op->name, locked, loads,
                 (unsigned long long)(counter + WAITING_OFFSET), load_at,
                 locked_at);
}

/* Every operation's access; and the updates' path to the waiting flag. */
static void assert_operation(const char *image, const struct operation *op,
                             const struct code *code, uint64_t counter)
{
    assert_addresses_counter(image, op, code, counter);
    if (op != &operations[0])
        assert_update_path(image, op, code, counter);
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
#if !defined(SC_LIBRARY_OPTIMIZATION)
    print_message("this tree builds the library below -O2, where an "
                  "operation calls its helpers instead of inlining them: "
                  "configure it with CMAKE_BUILD_TYPE Release or "
                  "RelWithDebInfo to check its code\n");
    skip();
#endif
    sc__test_image_load_path(&l, SC_LIBRARY_FILE);
    assert_int_equal(l.parsed.format, SD_FORMAT_ELF64);
    const struct sd_elf_section *shared =
        elf_section(&l.parsed.elf, "sc_shared");
    assert_non_null(shared);
    for (size_t i = 0; i < sizeof operations / sizeof *operations; i++) {
        struct code code;
        assert_true(elf_function(&l, operations[i].name, &code));
        assert_operation(SC_LIBRARY_FILE, &operations[i], &code,
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

/* The lowest export address above rva, or the end of its section: the
 * exports are the functions this test knows the bounds of. */
static uint32_t next_export(const struct sd_pe *pe,
                            const struct sd_pe_section *text, uint32_t rva)
{
    uint32_t end = text->virtual_address + text->raw_size;

    for (size_t i = 0; i < pe->export_function_count; i++) {
        uint32_t other = pe->export_functions[i].rva;
        if (other > rva && other < end)
            end = other;
    }
    return end;
}

/* Whether the DLL exports the function name; if so, its code, up to the
 * next export. */
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
        size_t size = next_export(pe, text, rva) - rva;
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
        assert_operation(path, &operations[i], &code, counter);
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
