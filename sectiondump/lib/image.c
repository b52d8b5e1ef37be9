/* The entry point: recognises the format, and owns an image's memory. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

/* Each allocation is a node of the image's list, its memory right after. */
struct sd_allocation {
    struct sd_allocation *next;
    _Alignas(max_align_t) unsigned char memory[];
};

/* Work allowed per input byte, on top of a fixed allowance. Honest files
 * need about one unit per byte; only overlapping tables need more. */
enum { WORK_PER_BYTE = 16, WORK_BASE = 1 << 16 };

int sd__fail(struct sd_image *image, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(image->error, sizeof image->error, format, args);
    va_end(args);
    return -1;
}

void *sd__alloc(struct sd_image *image, uint64_t count, size_t size)
{
    /* No honest table is larger than a few times the file, and the callers
     * bound count by the input size; this cap only keeps size_t safe. */
    const uint64_t max_bytes = (uint64_t)1 << 31;
    if (size != 0 && count > max_bytes / size) {
        sd__fail(image, "table of %llu entries is too large",
                 (unsigned long long)count);
        return NULL;
    }
    size_t bytes = (size_t)(count * size);
    struct sd_allocation *node = calloc(1, sizeof *node + bytes);
    if (node == NULL) {
        sd__fail(image, "out of memory (%zu bytes)", bytes);
        return NULL;
    }
    node->next = image->allocations;
    image->allocations = node;
    return node->memory;
}

int sd__truncated(struct sd_image *image, const char *what, uint64_t at,
                  uint64_t need, uint64_t size)
{
    uint64_t have = at < size ? size - at : 0;
    return sd__fail(image, "truncated %s: %llu of %llu bytes", what,
                    (unsigned long long)(have < need ? have : need),
                    (unsigned long long)need);
}

int sd__spend(struct sd_image *image, uint64_t units)
{
    if (units > image->work_left)
        return sd__fail(image, "tables overlap too much: more work than "
                               "any honest file of this size needs");
    image->work_left -= units;
    return 0;
}

int sd__string(struct sd_image *image, const struct sd__input *in,
               uint64_t offset, uint64_t limit, const char *what,
               const char **out)
{
    if (limit > in->size)
        limit = in->size;
    if (offset >= limit)
        return sd__fail(image, "%s: offset 0x%llx is outside its table", what,
                        (unsigned long long)offset);
    const uint8_t *start = in->data + offset;
    const uint8_t *end = memchr(start, 0, (size_t)(limit - offset));
    if (end == NULL)
        return sd__fail(image, "%s at 0x%llx: no terminating NUL", what,
                        (unsigned long long)offset);
    if (sd__spend(image, (uint64_t)(end - start) + 1) != 0)
        return -1;
    *out = (const char *)start;
    return 0;
}

static bool is_coff_machine(uint16_t machine)
{
    return sd_pe_machine_name(machine) != NULL;
}

int sd_parse(struct sd_image *image, const void *data, size_t size)
{
    memset(image, 0, sizeof *image);
    image->work_left = (uint64_t)size * WORK_PER_BYTE + WORK_BASE;
    struct sd__input in = {data, size, false};
    const uint8_t *bytes = data;

    if (size == 0)
        return sd__fail(image, "empty file");
    if (size >= 4 && memcmp(bytes, "\177ELF", 4) == 0)
        return sd__parse_elf(image, &in);
    if (size >= 8 && memcmp(bytes, "!<arch>\n", 8) == 0)
        return sd__parse_archive(image, &in);
    if (size >= 2 && memcmp(bytes, "MZ", 2) == 0)
        return sd__parse_pe(image, &in);
    uint16_t machine;
    if (size >= 20 && sd__u16(&in, 0, &machine) && is_coff_machine(machine))
        return sd__parse_coff(image, &in);
    return sd__fail(image, "unknown format: neither PE, COFF, ELF nor "
                           "an archive (first bytes are not MZ, a COFF "
                           "machine, \\177ELF or !<arch>)");
}

void sd_release(struct sd_image *image)
{
    struct sd_allocation *node = image->allocations;
    while (node != NULL) {
        struct sd_allocation *next = node->next;
        free(node);
        node = next;
    }
    image->allocations = NULL;
}

const char *sd_format_name(enum sd_format format)
{
    switch (format) {
    case SD_FORMAT_PE32:
        return "pe32";
    case SD_FORMAT_PE32PLUS:
        return "pe32+";
    case SD_FORMAT_COFF:
        return "coff";
    case SD_FORMAT_ELF32:
        return "elf32";
    case SD_FORMAT_ELF64:
        return "elf64";
    case SD_FORMAT_ARCHIVE:
        return "archive";
    case SD_FORMAT_NONE:
        break;
    }
    return "none";
}
