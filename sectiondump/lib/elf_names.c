/* Names of ELF constants, as readelf spells them. */
#include <stdbool.h>
#include <stdio.h>

#include "sectiondump.h"

enum {
    EM_X86_64 = 62,
    SHT_LOOS = 0x60000000,
    SHT_HIOS = 0x6fffffff,
    SHT_LOPROC = 0x70000000,
    SHT_HIPROC = 0x7fffffff,
    SHT_LOUSER = 0x80000000,
    SHT_X86_64_UNWIND = 0x70000001,
    ELFOSABI_NONE = 0,
    ELFOSABI_GNU = 3,
    ELFOSABI_FREEBSD = 9,
};

/* Section flags outside the generic letters. */
#define SHF_MASKOS 0x0ff00000u
#define SHF_GNU_RETAIN 0x00200000u
#define SHF_GNU_MBIND 0x01000000u
#define SHF_MASKPROC 0xf0000000u
#define SHF_X86_64_LARGE 0x10000000u
#define SHF_EXCLUDE 0x80000000u

/* Looks value up in a table of names indexed by value. */
#define NAME_AT(table, value)                                                  \
    ((value) < sizeof(table) / sizeof((table)[0]) ? (table)[value] : NULL)

const char *sd_elf_machine_name(uint16_t machine)
{
    switch (machine) {
    case 3:
        return "Intel 80386";
    case 8:
        return "MIPS R3000";
    case 20:
        return "PowerPC";
    case 21:
        return "PowerPC64";
    case 22:
        return "IBM S/390";
    case 40:
        return "ARM";
    case EM_X86_64:
        return "Advanced Micro Devices X86-64";
    case 183:
        return "AArch64";
    case 243:
        return "RISC-V";
    default:
        return NULL;
    }
}

const char *sd_elf_file_type_name(uint16_t type)
{
    static const char *const names[] = {
        "NONE (None)", "REL (Relocatable file)", "EXEC (Executable file)",
        "DYN (Shared object file)", "CORE (Core file)"};
    return NAME_AT(names, type);
}

const char *sd_elf_symbol_type_name(uint8_t type)
{
    static const char *const names[] = {"NOTYPE",  "OBJECT",      "FUNC",
                                        "SECTION", "FILE",        "COMMON",
                                        "TLS",     [10] = "IFUNC"};
    return NAME_AT(names, type);
}

const char *sd_elf_binding_name(uint8_t binding)
{
    static const char *const names[] = {"LOCAL", "GLOBAL",
                                        "WEAK", [10] = "UNIQUE"};
    return NAME_AT(names, binding);
}

const char *sd_elf_visibility_name(uint8_t visibility)
{
    static const char *const names[] = {"DEFAULT", "INTERNAL", "HIDDEN",
                                        "PROTECTED"};
    return NAME_AT(names, visibility);
}

static const char *gnu_section_type_name(uint32_t type)
{
    switch (type) {
    case 0x6ffffff5:
        return "GNU_ATTRIBUTES";
    case 0x6ffffff6:
        return "GNU_HASH";
    case 0x6ffffff7:
        return "GNU_LIBLIST";
    case 0x6ffffffd:
        return "VERDEF";
    case 0x6ffffffe:
        return "VERNEED";
    case 0x6fffffff:
        return "VERSYM";
    default:
        return NULL;
    }
}

const char *sd_elf_section_type_name(uint32_t type, uint16_t machine, char *buf,
                                     size_t size)
{
    static const char *const names[] = {"NULL",
                                        "PROGBITS",
                                        "SYMTAB",
                                        "STRTAB",
                                        "RELA",
                                        "HASH",
                                        "DYNAMIC",
                                        "NOTE",
                                        "NOBITS",
                                        "REL",
                                        "SHLIB",
                                        "DYNSYM",
                                        NULL,
                                        NULL,
                                        "INIT_ARRAY",
                                        "FINI_ARRAY",
                                        "PREINIT_ARRAY",
                                        "GROUP",
                                        "SYMTAB SECTION INDICES",
                                        "RELR"};
    const char *name = NAME_AT(names, type);
    if (name == NULL)
        name = gnu_section_type_name(type);
    if (name == NULL && machine == EM_X86_64 && type == SHT_X86_64_UNWIND)
        name = "X86_64_UNWIND";
    if (name != NULL)
        snprintf(buf, size, "%s", name);
    else if (type >= SHT_LOPROC && type <= SHT_HIPROC)
        snprintf(buf, size, "LOPROC+%#x", type - SHT_LOPROC);
    else if (type >= SHT_LOOS && type <= SHT_HIOS)
        snprintf(buf, size, "LOOS+%#x", type - SHT_LOOS);
    else if (type >= SHT_LOUSER)
        snprintf(buf, size, "LOUSER+%#x", type - SHT_LOUSER);
    else
        snprintf(buf, size, "<unknown>: %x", type);
    return buf;
}

/* The letter of one bit of the OS-specific range: GNU_RETAIN and
 * GNU_MBIND have letters only for the ABIs that define them. */
static char os_flag_letter(uint64_t bit, uint8_t osabi)
{
    bool gnu = osabi == ELFOSABI_GNU || osabi == ELFOSABI_FREEBSD;
    if (bit == SHF_GNU_RETAIN && gnu)
        return 'R';
    if (bit == SHF_GNU_MBIND && (gnu || osabi == ELFOSABI_NONE))
        return 'D';
    return 'o';
}

/* The letter of one flag bit. */
static char flag_letter(uint64_t bit, uint16_t machine, uint8_t osabi)
{
    static const char letters[] = "WAX\0MSILOGTC";
    for (unsigned i = 0; i < sizeof letters - 1; i++) {
        if (bit == (uint64_t)1 << i && letters[i] != '\0')
            return letters[i];
    }
    if (bit == SHF_EXCLUDE)
        return 'E';
    if (bit == SHF_X86_64_LARGE && machine == EM_X86_64)
        return 'l';
    if (bit & SHF_MASKOS)
        return os_flag_letter(bit, osabi);
    if (bit & SHF_MASKPROC)
        return 'p';
    return 'x';
}

const char *sd_elf_section_flag_letters(uint64_t flags, uint16_t machine,
                                        uint8_t osabi, char *buf, size_t size)
{
    size_t n = 0;
    bool seen_os = false, seen_proc = false;
    for (; flags != 0 && n + 1 < size; flags &= flags - 1) {
        char c = flag_letter(flags & (~flags + 1), machine, osabi);
        /* readelf shows one 'o' for all unnamed OS bits, one 'p' for all
         * processor bits. */
        bool *seen = c == 'o' ? &seen_os : c == 'p' ? &seen_proc : NULL;
        if (seen != NULL && *seen)
            continue;
        if (seen != NULL)
            *seen = true;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return buf;
}
