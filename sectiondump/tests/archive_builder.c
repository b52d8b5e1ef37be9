/* Builds ar archives, short import objects and COFF objects in memory. */
#include <stdio.h>
#include <string.h>

#include "archive_builder.h"
#include "pe_builder.h"

void sd__ar_start(struct sd__ar *ar)
{
    memcpy(ar->data, "!<arch>\n", 8);
    ar->size = 8;
}

void sd__ar_add(struct sd__ar *ar, const char *name, const void *data,
                size_t size)
{
    char header[61];
    snprintf(header, sizeof header, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name,
             "0", "0", "0", "644", size);
    memcpy(ar->data + ar->size, header, 60);
    memcpy(ar->data + ar->size + 60, data, size);
    ar->size += 60 + size;
    if (size & 1)
        ar->data[ar->size++] = '\n';
}

size_t sd__short_import(uint8_t *buf, uint16_t hint, unsigned type,
                        unsigned name_type, const char *symbol, const char *dll)
{
    size_t names = strlen(symbol) + 1 + strlen(dll) + 1;
    memset(buf, 0, 20);
    sd__put16(buf + 2, 0xFFFF);
    sd__put16(buf + 6, 0x8664);
    sd__put32(buf + 12, (uint32_t)names);
    sd__put16(buf + 16, hint);
    sd__put16(buf + 18, (uint16_t)(type | name_type << 2));
    memcpy(buf + 20, symbol, strlen(symbol) + 1);
    memcpy(buf + 20 + strlen(symbol) + 1, dll, strlen(dll) + 1);
    return 20 + names;
}

size_t sd__coff_object(uint8_t *buf, const struct sd__coff_section *sections,
                       size_t count)
{
    memset(buf, 0, 20 + 40 * count);
    sd__put16(buf, 0x8664);
    sd__put16(buf + 2, (uint16_t)count);
    size_t at = 20 + 40 * count;
    for (size_t i = 0; i < count; i++) {
        uint8_t *header = buf + 20 + 40 * i;
        memcpy(header, sections[i].name, strlen(sections[i].name));
        sd__put32(header + 16, (uint32_t)sections[i].size);
        sd__put32(header + 20, sections[i].size ? (uint32_t)at : 0);
        sd__put32(header + 36, 0xC0300040u);
        memcpy(buf + at, sections[i].data, sections[i].size);
        at += sections[i].size;
    }
    return at;
}
