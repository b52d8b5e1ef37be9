/* From relative virtual addresses (RVAs) to file offsets. */
#include "pe_internal.h"

int sd__pe_map(struct sd_image *image, const struct sd__input *in, uint32_t rva,
               const char *what, struct sd__span *out)
{
    const struct sd_pe *pe = &image->pe;
    /* The headers are mapped at RVA 0 as they are in the file. */
    if (rva < pe->size_of_headers && rva < in->size) {
        out->offset = rva;
        out->end =
            pe->size_of_headers < in->size ? pe->size_of_headers : in->size;
        return 0;
    }
    for (size_t i = 0; i < pe->section_count; i++) {
        const struct sd_pe_section *s = &pe->sections[i];
        uint32_t span = s->virtual_size != 0 ? s->virtual_size : s->raw_size;
        if (rva < s->virtual_address || rva - s->virtual_address >= span)
            continue;
        uint32_t delta = rva - s->virtual_address;
        if (s->raw_offset == 0 || delta >= s->raw_size)
            return sd__fail(image,
                            "%s: RVA 0x%x lies in section %zu beyond its "
                            "file data",
                            what, rva, i + 1);
        /* parse_sections() checked that the raw data is inside the file. */
        out->offset = (uint64_t)s->raw_offset + delta;
        out->end = (uint64_t)s->raw_offset + s->raw_size;
        return 0;
    }
    return sd__fail(image, "%s: RVA 0x%x is in no section", what, rva);
}

int sd__pe_string(struct sd_image *image, const struct sd__input *in,
                  uint32_t rva, const char *what, const char **out)
{
    struct sd__span span;
    if (sd__pe_map(image, in, rva, what, &span) != 0)
        return -1;
    return sd__string(image, in, span.offset, span.end, what, out);
}
