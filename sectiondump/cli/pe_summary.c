/* dumpbin's "Summary": the memory each section name takes, by name. */
#include <stdlib.h>
#include <string.h>

#include "print.h"

static int by_name(const void *a, const void *b)
{
    const struct sc_sd_pe_section *const *x = a;
    const struct sc_sd_pe_section *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* An image's section takes whole pages of SectionAlignment in memory; an
 * object's section is just its raw data. */
static uint64_t footprint(const struct sc_sd_image *image,
                          const struct sc_sd_pe_section *s)
{
    if (image->format == SC_SD_FORMAT_COFF)
        return s->raw_size;
    uint64_t size = s->virtual_size != 0 ? s->virtual_size : s->raw_size;
    uint64_t align = image->pe.section_alignment;
    if (align == 0)
        return size;
    return (size + align - 1) / align * align;
}

void sc__sd_print_pe_summary(FILE *out, const struct sc_sd_image *image)
{
    const struct sc_sd_pe *pe = &image->pe;
    const struct sc_sd_pe_section **sorted =
        malloc((pe->section_count + 1) * sizeof *sorted);
    if (sorted == NULL)
        return;
    for (size_t i = 0; i < pe->section_count; i++)
        sorted[i] = &pe->sections[i];
    qsort(sorted, pe->section_count, sizeof *sorted, by_name);
    fprintf(out, "\n  Summary\n\n");
    for (size_t i = 0; i < pe->section_count;) {
        uint64_t total = 0;
        size_t j = i;
        for (; j < pe->section_count &&
               strcmp(sorted[j]->name, sorted[i]->name) == 0;
             j++)
            total += footprint(image, sorted[j]);
        fprintf(out, "%12llX ", (unsigned long long)total);
        sc__sd_put_name(out, sorted[i]->name, 0);
        fprintf(out, "\n");
        i = j;
    }
    free(sorted);
}
