/* The import directory: one descriptor per DLL, each with a lookup table of
 * functions imported by name or by ordinal. */
#include <stdio.h>

#include "pe_internal.h"

enum { DESCRIPTOR_SIZE = 20 };

/* Where one DLL's lookup table lies and how many entries it has before the
 * terminating zero. */
struct lookup_table {
    uint64_t offset;
    uint64_t count;
    unsigned entry_size;
};

static uint64_t read_entry(const struct sd__input *in,
                           const struct lookup_table *t, uint64_t i)
{
    return sd__word(in, t->offset + i * t->entry_size, t->entry_size);
}

static int find_lookup_table(struct sd_image *image, const struct sd__input *in,
                             uint32_t rva, const char *what,
                             struct lookup_table *t)
{
    struct sd__span span;
    if (sd__pe_map(image, in, rva, what, &span) != 0)
        return -1;
    t->offset = span.offset;
    t->entry_size = image->format == SD_FORMAT_PE32PLUS ? 8 : 4;
    for (t->count = 0;; t->count++) {
        uint64_t at = t->offset + t->count * t->entry_size;
        if (!sd__fits(at, t->entry_size, span.end))
            return sd__fail(image, "%s: no terminating zero entry", what);
        if (sd__spend(image, 1) != 0)
            return -1;
        if (read_entry(in, t, t->count) == 0)
            return 0;
    }
}

static int parse_function(struct sd_image *image, const struct sd__input *in,
                          uint64_t entry, unsigned entry_size, const char *what,
                          struct sd_pe_import_function *f)
{
    uint64_t ordinal_flag = (uint64_t)1 << (entry_size * 8 - 1);
    if (entry & ordinal_flag) {
        f->ordinal = (uint16_t)entry;
        return 0;
    }
    if (entry > UINT32_MAX)
        return sd__fail(image, "%s: hint/name RVA 0x%llx is not 32-bit", what,
                        (unsigned long long)entry);
    struct sd__span span;
    if (sd__pe_map(image, in, (uint32_t)entry, what, &span) != 0)
        return -1;
    if (!sd__fits(span.offset, 2, span.end))
        return sd__fail(image, "%s: hint runs past its section", what);
    sd__u16(in, span.offset, &f->hint);
    return sd__string(image, in, span.offset + 2, span.end, what, &f->name);
}

static int parse_dll(struct sd_image *image, const struct sd__input *in,
                     uint64_t at, size_t index, struct sd_pe_import_dll *dll)
{
    uint32_t lookup_rva, name_rva, thunk_rva;
    sd__u32(in, at, &lookup_rva);
    sd__u32(in, at + 12, &name_rva);
    sd__u32(in, at + 16, &thunk_rva);
    char what[64];
    snprintf(what, sizeof what, "import %zu DLL name", index);
    if (sd__pe_string(image, in, name_rva, what, &dll->name) != 0)
        return -1;
    snprintf(what, sizeof what, "import %zu lookup table", index);
    struct lookup_table t;
    if (find_lookup_table(image, in, lookup_rva != 0 ? lookup_rva : thunk_rva,
                          what, &t) != 0)
        return -1;
    dll->functions = sd__alloc(image, t.count, sizeof *dll->functions);
    if (dll->functions == NULL)
        return -1;
    dll->function_count = (size_t)t.count;
    for (uint64_t i = 0; i < t.count; i++) {
        snprintf(what, sizeof what, "import %zu function %llu", index,
                 (unsigned long long)i);
        if (parse_function(image, in, read_entry(in, &t, i), t.entry_size, what,
                           &dll->functions[i]) != 0)
            return -1;
    }
    return 0;
}

/* A descriptor whose lookup table and thunk table are both zero ends the
 * directory. Returns the number of descriptors before it. */
static int count_descriptors(struct sd_image *image, const struct sd__input *in,
                             const struct sd__span *span, uint64_t *count)
{
    for (*count = 0;; ++*count) {
        uint64_t at = span->offset + *count * DESCRIPTOR_SIZE;
        uint32_t lookup_rva, thunk_rva;
        if (!sd__fits(at, DESCRIPTOR_SIZE, span->end))
            return sd__fail(image, "import directory: no terminating "
                                   "empty descriptor");
        if (sd__spend(image, 1) != 0)
            return -1;
        sd__u32(in, at, &lookup_rva);
        sd__u32(in, at + 16, &thunk_rva);
        if (lookup_rva == 0 && thunk_rva == 0)
            return 0;
    }
}

int sd__pe_parse_imports(struct sd_image *image, const struct sd__input *in)
{
    struct sd_pe *pe = &image->pe;
    if (pe->import_directory_rva == 0)
        return 0;
    struct sd__span span;
    uint64_t count;
    if (sd__pe_map(image, in, pe->import_directory_rva, "import directory",
                   &span) != 0 ||
        count_descriptors(image, in, &span, &count) != 0)
        return -1;
    pe->imports = sd__alloc(image, count, sizeof *pe->imports);
    if (pe->imports == NULL)
        return -1;
    pe->import_count = (size_t)count;
    for (size_t i = 0; i < pe->import_count; i++) {
        if (parse_dll(image, in, span.offset + i * DESCRIPTOR_SIZE, i,
                      &pe->imports[i]) != 0)
            return -1;
    }
    return 0;
}
