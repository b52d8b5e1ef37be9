/* The entry point: recognises the format, and owns an image's memory. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

/* Each allocation is a node of the image's list, its memory right after. */
struct sc_sd_allocation {
    struct sc_sd_allocation *next;
    _Alignas(max_align_t) unsigned char memory[];
};

/* Work allowed per input byte, on top of a fixed allowance. Honest files
 * need about one unit per byte; only overlapping tables need more. */
enum { WORK_PER_BYTE = 16, WORK_BASE = 1 << 16 };

int sc__sd_fail(struct sc_sd_image *image, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(image->error, sizeof image->error, format, args);
    va_end(args);
    return -1;
}

void *sc__sd_alloc(struct sc_sd_image *image, uint64_t count, size_t size)
{
    /* No honest table is larger than a few times the file, and the callers
     * bound count by the input size; this cap only keeps size_t safe. */
    const uint64_t max_bytes = (uint64_t)1 << 31;
    if (size != 0 && count > max_bytes / size) {
        sc__sd_fail(image, "table of %llu entries is too large",
                    (unsigned long long)count);
        return NULL;
    }
    size_t bytes = (size_t)(count * size);
    struct sc_sd_allocation *node = calloc(1, sizeof *node + bytes);
    if (node == NULL) {
        sc__sd_fail(image, "out of memory (%zu bytes)", bytes);
        return NULL;
    }
    node->next = image->allocations;
    image->allocations = node;
    return node->memory;
}

int sc__sd_spend(struct sc_sd_image *image, uint64_t units)
{
    if (units > image->work_left)
        return sc__sd_fail(image, "tables overlap too much: more work than "
                                  "any honest file of this size needs");
    image->work_left -= units;
    return 0;
}

int sc__sd_string(struct sc_sd_image *image, const struct sc__sd_input *in,
                  uint64_t offset, uint64_t limit, const char *what,
                  const char **out)
{
    if (limit > in->size)
        limit = in->size;
    if (offset >= limit)
        return sc__sd_fail(image, "%s: offset 0x%llx is outside its table",
                           what, (unsigned long long)offset);
    const uint8_t *start = in->data + offset;
    const uint8_t *end = memchr(start, 0, (size_t)(limit - offset));
    if (end == NULL)
        return sc__sd_fail(image, "%s at 0x%llx: no terminating NUL", what,
                           (unsigned long long)offset);
    if (sc__sd_spend(image, (uint64_t)(end - start) + 1) != 0)
        return -1;
    *out = (const char *)start;
    return 0;
}

static bool is_coff_machine(uint16_t machine)
{
    return sc_sd_pe_machine_name(machine) != NULL;
}

int sc_sd_parse(struct sc_sd_image *image, const void *data, size_t size)
{
    memset(image, 0, sizeof *image);
    image->work_left = (uint64_t)size * WORK_PER_BYTE + WORK_BASE;
    struct sc__sd_input in = {data, size, false};
    const uint8_t *bytes = data;

    if (size >= 4 && memcmp(bytes, "\177ELF", 4) == 0)
        return sc__sd_parse_elf(image, &in);
    if (size >= 2 && memcmp(bytes, "MZ", 2) == 0)
        return sc__sd_parse_pe(image, &in);
    uint16_t machine;
    if (size >= 20 && sc__sd_u16(&in, 0, &machine) && is_coff_machine(machine))
        return sc__sd_parse_coff(image, &in);
    return sc__sd_fail(image, "unknown format: neither PE, COFF nor ELF "
                              "(first bytes are not MZ, a COFF machine or "
                              "\\177ELF)");
}

void sc_sd_release(struct sc_sd_image *image)
{
    struct sc_sd_allocation *node = image->allocations;
    while (node != NULL) {
        struct sc_sd_allocation *next = node->next;
        free(node);
        node = next;
    }
    image->allocations = NULL;
}

const char *sc_sd_format_name(enum sc_sd_format format)
{
    switch (format) {
    case SC_SD_FORMAT_PE32:
        return "pe32";
    case SC_SD_FORMAT_PE32PLUS:
        return "pe32+";
    case SC_SD_FORMAT_COFF:
        return "coff";
    case SC_SD_FORMAT_ELF32:
        return "elf32";
    case SC_SD_FORMAT_ELF64:
        return "elf64";
    case SC_SD_FORMAT_NONE:
        break;
    }
    return "none";
}
