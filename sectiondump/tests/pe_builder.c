/* Builds the test DLL of pe_builder.h, byte by byte. */
#include <string.h>

#include "pe_builder.h"

void sd__put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void sd__put32(uint8_t *p, uint32_t v)
{
    sd__put16(p, (uint16_t)v);
    sd__put16(p + 2, (uint16_t)(v >> 16));
}

void sd__put64(uint8_t *p, uint64_t v)
{
    sd__put32(p, (uint32_t)v);
    sd__put32(p + 4, (uint32_t)(v >> 32));
}

static void section(uint8_t *p, const char *name, uint32_t rva, uint32_t offset,
                    uint32_t size, uint32_t flags)
{
    memcpy(p, name, strlen(name));
    sd__put32(p + 8, size);
    sd__put32(p + 12, rva);
    sd__put32(p + 16, size);
    sd__put32(p + 20, offset);
    sd__put32(p + 36, flags);
}

static void headers(uint8_t *buf)
{
    memcpy(buf, "MZ", 2);
    sd__put32(buf + 0x3c, SD_PE_LFANEW);
    memcpy(buf + SD_PE_LFANEW, "PE\0\0", 4);
    uint8_t *fh = buf + SD_PE_FILE_HEADER;
    sd__put16(fh, 0x8664);
    sd__put16(fh + 2, 3);
    sd__put16(fh + 16, 0xF0);
    sd__put16(fh + 18, 0x2022);
    uint8_t *oh = buf + SD_PE_OPTIONAL;
    sd__put16(oh, 0x20b);
    sd__put32(oh + 16, 0x1000);
    sd__put64(oh + 24, 0x180000000ull);
    sd__put32(oh + 32, 0x1000);
    sd__put32(oh + 36, 0x200);
    sd__put32(oh + 56, 0x4000);
    sd__put32(oh + 60, 0x200);
    sd__put16(oh + 68, 3);
    sd__put16(oh + 70, 0x160);
    sd__put32(oh + 108, 16);
    sd__put32(oh + 112, 0x3000); /* export directory */
    sd__put32(oh + 116, 0x100);
    sd__put32(oh + 120, 0x3200); /* import directory */
    sd__put32(oh + 124, 0x28);
    section(buf + SD_PE_SECTIONS, ".text", 0x1000, 0x200, 0x200, 0x60000020);
    section(buf + SD_PE_SECTIONS + 40, ".shared", 0x2000, 0x400, 0x200,
            0xD0000040);
    section(buf + SD_PE_SECTIONS + 80, ".rdata", 0x3000, 0x600, 0x400,
            0x40000040);
}

static void exports(uint8_t *buf)
{
    uint8_t *dir = buf + SD_PE_EXPORTS;
    sd__put32(dir + 12, 0x3100); /* DLL name */
    sd__put32(dir + 16, 1);      /* ordinal base */
    sd__put32(dir + 20, 2);
    sd__put32(dir + 24, 2);
    sd__put32(dir + 28, 0x3040);
    sd__put32(dir + 32, 0x3050);
    sd__put32(dir + 36, 0x3060);
    sd__put32(buf + SD_PE_RDATA + 0x40, 0x1000);
    sd__put32(buf + SD_PE_RDATA + 0x44, 0x1010);
    sd__put32(buf + SD_PE_RDATA + 0x50, 0x3110);
    sd__put32(buf + SD_PE_RDATA + 0x54, 0x3118);
    sd__put16(buf + SD_PE_RDATA + 0x60, 0);
    sd__put16(buf + SD_PE_RDATA + 0x62, 1);
    strcpy((char *)buf + SD_PE_RDATA + 0x100, "test.dll");
    strcpy((char *)buf + SD_PE_RDATA + 0x110, "alpha");
    strcpy((char *)buf + SD_PE_RDATA + 0x118, "beta");
}

static void imports(uint8_t *buf)
{
    uint8_t *desc = buf + SD_PE_IMPORTS;
    sd__put32(desc, 0x3280);      /* lookup table */
    sd__put32(desc + 12, 0x3300); /* DLL name */
    sd__put32(desc + 16, 0x3280); /* thunk table */
    sd__put64(buf + SD_PE_LOOKUP, 0x3320);
    sd__put64(buf + SD_PE_LOOKUP + 8, 0x8000000000000005ull);
    strcpy((char *)buf + SD_PE_RDATA + 0x300, "KERNEL32.dll");
    sd__put16(buf + SD_PE_RDATA + 0x320, 0x1234);
    strcpy((char *)buf + SD_PE_RDATA + 0x322, "GetTickCount");
}

void sd__pe_build(uint8_t *buf)
{
    memset(buf, 0, SD_PE_SIZE);
    headers(buf);
    exports(buf);
    imports(buf);
}
