/* A small, valid PE32+ DLL built in memory for the parser tests, with the
 * offsets of its parts so that a test can damage exactly one of them. */
#ifndef SD_PE_BUILDER_H
#define SD_PE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

enum {
    SD_PE_SIZE = 0xA00,
    SD_PE_LFANEW = 0x40,
    SD_PE_FILE_HEADER = 0x44,
    SD_PE_OPTIONAL = 0x58,
    SD_PE_SECTIONS = 0x58 + 0xF0,
    SD_PE_RDATA = 0x600,   /* file offset of .rdata, RVA 0x3000 */
    SD_PE_EXPORTS = 0x600, /* export directory */
    SD_PE_IMPORTS = 0x800, /* import descriptors, RVA 0x3200 */
    SD_PE_LOOKUP = 0x880,  /* lookup table of the one imported DLL */
};

/* Fills buf (SD_PE_SIZE bytes) with a DLL "test.dll" of three sections
 * (.text, .shared with 0xD0000040, .rdata) that exports alpha and beta and
 * imports GetTickCount and ordinal 5 from KERNEL32.dll. */
void sd__pe_build(uint8_t *buf);

void sd__put16(uint8_t *p, uint16_t v);
void sd__put32(uint8_t *p, uint32_t v);
void sd__put64(uint8_t *p, uint64_t v);

#endif /* SD_PE_BUILDER_H */
