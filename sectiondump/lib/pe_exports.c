/* The export directory: address table, name pointers and ordinals. */
#include <stdio.h>

#include "pe_internal.h"

enum { EXPORT_DIRECTORY_SIZE = 40 };

/* The table of count entries of entry_size bytes at rva, which must lie in
 * one stretch of file data. */
static int map_table(struct sd_image *image, const struct sd__input *in,
                     uint32_t rva, uint64_t count, unsigned entry_size,
                     const char *what, uint64_t *offset)
{
    if (count == 0) {
        *offset = 0;
        return 0;
    }
    struct sd__span span;
    if (sd__pe_map(image, in, rva, what, &span) != 0)
        return -1;
    if (!sd__fits(span.offset, count * entry_size, span.end))
        return sd__fail(image,
                        "%s: %llu entries at RVA 0x%x run past the end "
                        "of their section's data",
                        what, (unsigned long long)count, rva);
    if (sd__spend(image, count) != 0)
        return -1;
    *offset = span.offset;
    return 0;
}

static bool is_forwarder(const struct sd_pe *pe, uint32_t rva)
{
    return rva >= pe->export_directory_rva &&
           rva - pe->export_directory_rva < pe->export_directory_size;
}

static int parse_functions(struct sd_image *image, const struct sd__input *in,
                           uint32_t rva, uint32_t count)
{
    struct sd_pe *pe = &image->pe;
    uint64_t at;
    if (map_table(image, in, rva, count, 4, "export address table", &at) != 0)
        return -1;
    pe->export_functions =
        sd__alloc(image, count, sizeof *pe->export_functions);
    if (pe->export_functions == NULL)
        return -1;
    pe->export_function_count = count;
    for (uint32_t i = 0; i < count; i++) {
        struct sd_pe_export_function *f = &pe->export_functions[i];
        sd__u32(in, at + 4ull * i, &f->rva);
        if (f->rva != 0 && is_forwarder(pe, f->rva)) {
            char what[48];
            snprintf(what, sizeof what, "forwarder of export %u", i);
            if (sd__pe_string(image, in, f->rva, what, &f->forwarder) != 0)
                return -1;
        }
    }
    return 0;
}

static int parse_names(struct sd_image *image, const struct sd__input *in,
                       uint32_t names_rva, uint32_t ordinals_rva,
                       uint32_t count)
{
    struct sd_pe *pe = &image->pe;
    uint64_t names, ordinals;
    if (map_table(image, in, names_rva, count, 4, "export name table",
                  &names) != 0 ||
        map_table(image, in, ordinals_rva, count, 2, "export ordinal table",
                  &ordinals) != 0)
        return -1;
    pe->export_names = sd__alloc(image, count, sizeof *pe->export_names);
    if (pe->export_names == NULL)
        return -1;
    pe->export_name_count = count;
    for (uint32_t i = 0; i < count; i++) {
        struct sd_pe_export_name *n = &pe->export_names[i];
        uint32_t name_rva;
        uint16_t index;
        sd__u32(in, names + 4ull * i, &name_rva);
        sd__u16(in, ordinals + 2ull * i, &index);
        if (index >= pe->export_function_count)
            return sd__fail(image,
                            "export name %u: ordinal index %u is outside "
                            "the %zu-entry address table",
                            i, index, pe->export_function_count);
        n->function_index = index;
        char what[48];
        snprintf(what, sizeof what, "export name %u", i);
        if (sd__pe_string(image, in, name_rva, what, &n->name) != 0)
            return -1;
    }
    return 0;
}

int sd__pe_parse_exports(struct sd_image *image, const struct sd__input *in)
{
    struct sd_pe *pe = &image->pe;
    if (pe->export_directory_rva == 0)
        return 0;
    struct sd__span span;
    if (sd__pe_map(image, in, pe->export_directory_rva, "export directory",
                   &span) != 0)
        return -1;
    if (!sd__fits(span.offset, EXPORT_DIRECTORY_SIZE, span.end))
        return sd__fail(image, "export directory: truncated");
    uint64_t at = span.offset;
    uint32_t name_rva, function_count, name_count;
    uint32_t functions_rva, names_rva, ordinals_rva;
    sd__u32(in, at + 12, &name_rva);
    sd__u32(in, at + 16, &pe->export_ordinal_base);
    sd__u32(in, at + 20, &function_count);
    sd__u32(in, at + 24, &name_count);
    sd__u32(in, at + 28, &functions_rva);
    sd__u32(in, at + 32, &names_rva);
    sd__u32(in, at + 36, &ordinals_rva);
    if (sd__pe_string(image, in, name_rva, "export DLL name",
                      &pe->export_dll_name) != 0)
        return -1;
    if (parse_functions(image, in, functions_rva, function_count) != 0)
        return -1;
    return parse_names(image, in, names_rva, ordinals_rva, name_count);
}
