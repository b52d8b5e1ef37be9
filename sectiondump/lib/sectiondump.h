/*
 * sectiondump's parser: the headers, sections, exports, imports and dynamic
 * symbols of PE/COFF and ELF files.
 *
 * Parsing is pure: bytes in, structs out. The parser never reads a file or
 * prints anything, so the command-line tool, the tests and the fuzzer all
 * drive exactly the same code.
 *
 * The input is untrusted. Every offset, size and count is checked against
 * the buffer before it is used; a file that is truncated, whose tables
 * overlap or point outside it, or whose counts are absurd is rejected with a
 * one-line message in image->error, never read out of bounds. The work done
 * is bounded by a small multiple of the input size, so no input can make the
 * parser loop for long either.
 *
 * Lifetime: names in a parsed image may point into the input buffer, so keep
 * the buffer alive (and unchanged) until sd_release().
 */
#ifndef SD_SECTIONDUMP_H
#define SD_SECTIONDUMP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sd_format {
    SD_FORMAT_NONE = 0,
    SD_FORMAT_PE32,     /* PE image with a 32-bit optional header */
    SD_FORMAT_PE32PLUS, /* PE image with a 64-bit optional header */
    SD_FORMAT_COFF,     /* COFF object file (.obj / .o) */
    SD_FORMAT_ELF32,
    SD_FORMAT_ELF64,
    SD_FORMAT_ARCHIVE, /* ar archive: static or import library (.a, .lib) */
};

/* PE section Characteristics bits (the ones the tool decodes). */
enum {
    SD_SCN_TYPE_NO_PAD = 0x00000008u,
    SD_SCN_CNT_CODE = 0x00000020u,
    SD_SCN_CNT_INITIALIZED_DATA = 0x00000040u,
    SD_SCN_CNT_UNINITIALIZED_DATA = 0x00000080u,
    SD_SCN_LNK_INFO = 0x00000200u,
    SD_SCN_LNK_REMOVE = 0x00000800u,
    SD_SCN_LNK_COMDAT = 0x00001000u,
    SD_SCN_GPREL = 0x00008000u,
    SD_SCN_ALIGN_MASK = 0x00F00000u,
    SD_SCN_LNK_NRELOC_OVFL = 0x01000000u,
    SD_SCN_MEM_DISCARDABLE = 0x02000000u,
    SD_SCN_MEM_NOT_CACHED = 0x04000000u,
    SD_SCN_MEM_NOT_PAGED = 0x08000000u,
    SD_SCN_MEM_SHARED = 0x10000000u,
    SD_SCN_MEM_EXECUTE = 0x20000000u,
    SD_SCN_MEM_READ = 0x40000000u,
    SD_SCN_MEM_WRITE = 0x80000000u,
};

/* What a section needs to be shared between processes: 0xD0000040 for an
 * initialized data section. */
#define SD_SCN_SHARED_RW                                                       \
    (SD_SCN_MEM_SHARED | SD_SCN_MEM_READ | SD_SCN_MEM_WRITE)

struct sd_pe_section {
    const char *name; /* long names resolved through the string table */
    uint32_t virtual_size;
    uint32_t virtual_address;
    uint32_t raw_size;
    uint32_t raw_offset;
    uint32_t relocations_offset;
    uint32_t line_numbers_offset;
    uint16_t relocation_count;
    uint16_t line_number_count;
    uint32_t characteristics;
};

/* One slot of the export address table; its ordinal is base + index. */
struct sd_pe_export_function {
    uint32_t rva;          /* 0: unused slot */
    const char *forwarder; /* "DLL.name" when the slot forwards, else NULL */
};

/* One entry of the export name table. */
struct sd_pe_export_name {
    const char *name;
    uint32_t function_index; /* index into the export address table */
};

struct sd_pe_import_function {
    const char *name; /* NULL when imported by ordinal */
    uint16_t hint;    /* with a name */
    uint16_t ordinal; /* without a name */
};

struct sd_pe_import_dll {
    const char *name;
    struct sd_pe_import_function *functions;
    size_t function_count;
};

struct sd_pe {
    /* COFF file header */
    uint16_t machine;
    uint16_t characteristics;
    uint32_t timestamp;
    uint32_t symbol_table_offset;
    uint32_t symbol_count;
    /* Optional header (images only; zero for objects) */
    uint16_t optional_magic; /* 0x10b PE32, 0x20b PE32+ */
    uint32_t entry_point;
    uint64_t image_base;
    uint32_t section_alignment;
    uint32_t file_alignment;
    uint32_t size_of_image;
    uint32_t size_of_headers;
    uint16_t subsystem;
    uint16_t dll_characteristics;
    uint32_t directory_count;
    uint32_t export_directory_rva, export_directory_size;
    uint32_t import_directory_rva, import_directory_size;

    struct sd_pe_section *sections;
    size_t section_count;

    const char *export_dll_name; /* NULL without an export table */
    uint32_t export_ordinal_base;
    struct sd_pe_export_function *export_functions;
    size_t export_function_count;
    struct sd_pe_export_name *export_names;
    size_t export_name_count;

    struct sd_pe_import_dll *imports;
    size_t import_count;
};

/* ELF constants the tool decodes. */
enum {
    SD_SHT_NOBITS = 8,
    SD_SHT_DYNSYM = 11,
    SD_STB_LOCAL = 0,
    SD_STB_GLOBAL = 1,
    SD_STB_WEAK = 2,
    SD_STV_DEFAULT = 0,
    SD_STV_INTERNAL = 1,
    SD_STV_HIDDEN = 2,
    SD_STV_PROTECTED = 3,
    SD_SHN_UNDEF = 0,
};

struct sd_elf_section {
    const char *name;
    uint32_t name_offset;
    uint32_t type;
    uint64_t flags;
    uint64_t address;
    uint64_t offset;
    uint64_t size;
    uint32_t link;
    uint32_t info;
    uint64_t alignment;
    uint64_t entry_size;
};

struct sd_elf_symbol {
    const char *name;
    uint64_t value;
    uint64_t size;
    uint8_t type;       /* STT_* */
    uint8_t binding;    /* STB_* */
    uint8_t visibility; /* STV_* */
    uint16_t section_index;
};

struct sd_elf {
    uint8_t big_endian;
    uint8_t osabi;
    uint8_t abi_version;
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t program_headers_offset;
    uint64_t section_headers_offset;
    uint32_t flags;
    uint16_t header_size;
    uint16_t program_header_size;
    uint16_t program_header_count;
    uint16_t section_header_size;
    uint32_t section_name_index;

    struct sd_elf_section *sections; /* including the null section 0 */
    size_t section_count;

    struct sd_elf_symbol *dynamic_symbols; /* including the null symbol 0 */
    size_t dynamic_symbol_count;
    uint32_t dynamic_symbol_section; /* 0: the file has no .dynsym */
};

/* What an archive member holds. */
enum sd_member_kind {
    SD_MEMBER_SYMBOL_TABLE, /* "/" or "/SYM64/": the linker's index */
    SD_MEMBER_NAME_TABLE,   /* "//": the long member names */
    SD_MEMBER_OBJECT,       /* a COFF object */
    SD_MEMBER_IMPORT,       /* an import object (see sd_import_form) */
    SD_MEMBER_OTHER,        /* anything else, such as an ELF object */
};

/* Microsoft's short import object (20-byte header, then the symbol and DLL
 * names), or GNU dlltool's and ld's long form: a COFF object with .idata$N
 * sections. */
enum sd_import_form {
    SD_IMPORT_SHORT = 1,
    SD_IMPORT_LONG,
};

/* The long form's helper members, which hold no import of their own. */
enum sd_import_part {
    SD_IMPORT_FUNCTION = 0, /* one imported symbol */
    SD_IMPORT_HEAD,         /* .idata$2: the import directory entry */
    SD_IMPORT_TAIL,         /* .idata$7 with the DLL name */
};

struct sd_archive_member {
    const char *name;       /* long names resolved through "//" */
    uint64_t header_offset; /* of its 60-byte header in the archive */
    uint64_t size;          /* of its data */
    enum sd_member_kind kind;
    uint16_t machine; /* objects and short import objects */
    /* Import objects only. */
    enum sd_import_form import_form;
    enum sd_import_part import_part;
    const char *import_dll;    /* NULL when the archive does not say */
    const char *import_symbol; /* NULL when imported by ordinal */
    uint16_t import_hint;      /* or the ordinal, when by_ordinal */
    uint8_t by_ordinal;
    uint8_t import_type; /* short form: 0 code, 1 data, 2 const */
};

struct sd_archive {
    struct sd_archive_member *members;
    size_t member_count;
};

struct sd_allocation; /* internal */

struct sd_image {
    enum sd_format format;
    struct sd_pe pe;   /* PE32, PE32+ and COFF */
    struct sd_elf elf; /* ELF32 and ELF64 */
    struct sd_archive archive;
    char error[160]; /* one line, set when sd_parse() fails */
    /* Internal state of the parser. */
    struct sd_allocation *allocations;
    uint64_t work_left;
};

/*
 * sd_parse() : parses size bytes at data into *image.
 * @return 0 on success. Otherwise -1, with a one-line explanation in
 *         image->error. Either way, call sd_release(image) afterwards.
 */
int sd_parse(struct sd_image *image, const void *data, size_t size);

/* Frees everything sd_parse() allocated. Safe to call twice. */
void sd_release(struct sd_image *image);

/* The format's name as the JSON output spells it ("pe32", "pe32+", "coff",
 * "elf32", "elf64", "archive"). */
const char *sd_format_name(enum sd_format format);

/* Index of the first PE/COFF section called name, or -1. */
long sd_pe_find_section(const struct sd_pe *pe, const char *name);

/* Names of constants, NULL when unknown. */
const char *sd_pe_machine_name(uint16_t machine);
const char *sd_pe_subsystem_name(uint16_t subsystem);
const char *sd_elf_machine_name(uint16_t machine);
const char *sd_elf_file_type_name(uint16_t type);
const char *sd_elf_symbol_type_name(uint8_t type);
const char *sd_elf_binding_name(uint8_t binding);
const char *sd_elf_visibility_name(uint8_t visibility);

/* The section type as readelf -S prints it ("PROGBITS", "LOOS+0x3", ...),
 * written into buf. Returns buf. */
const char *sd_elf_section_type_name(uint32_t type, uint16_t machine, char *buf,
                                     size_t size);

/* The section flags as readelf -S's key letters ("WAX", "AMS", ...), written
 * into buf (16 bytes are always enough). Some letters depend on the machine
 * and on the OS/ABI byte of the ELF header. Returns buf. */
const char *sd_elf_section_flag_letters(uint64_t flags, uint16_t machine,
                                        uint8_t osabi, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* SD_SECTIONDUMP_H */
