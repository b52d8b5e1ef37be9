/* Bounds-checked reads of little- and big-endian fields. */
#include "parse_internal.h"

bool sd__fits(uint64_t offset, uint64_t length, uint64_t limit)
{
    return offset <= limit && length <= limit - offset;
}

/* Assembles count bytes at offset, in the input's byte order. */
static bool read_field(const struct sd__input *in, uint64_t offset,
                       unsigned count, uint64_t *out)
{
    if (!sd__fits(offset, count, in->size))
        return false;
    const uint8_t *p = in->data + offset;
    uint64_t value = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned byte = in->big_endian ? i : count - 1 - i;
        value = (value << 8) | p[byte];
    }
    *out = value;
    return true;
}

bool sd__u8(const struct sd__input *in, uint64_t offset, uint8_t *out)
{
    uint64_t value;
    if (!read_field(in, offset, 1, &value))
        return false;
    *out = (uint8_t)value;
    return true;
}

bool sd__u16(const struct sd__input *in, uint64_t offset, uint16_t *out)
{
    uint64_t value;
    if (!read_field(in, offset, 2, &value))
        return false;
    *out = (uint16_t)value;
    return true;
}

bool sd__u32(const struct sd__input *in, uint64_t offset, uint32_t *out)
{
    uint64_t value;
    if (!read_field(in, offset, 4, &value))
        return false;
    *out = (uint32_t)value;
    return true;
}

bool sd__u64(const struct sd__input *in, uint64_t offset, uint64_t *out)
{
    return read_field(in, offset, 8, out);
}

uint64_t sd__word(const struct sd__input *in, uint64_t offset, unsigned size)
{
    uint64_t value = 0;
    if (!read_field(in, offset, size, &value))
        return 0;
    return value;
}
