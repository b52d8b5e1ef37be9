/* --check-shared: the one question the shared counter depends on. */
#include <stdbool.h>

#include "check_shared.h"
#include "print.h"

static void put_flags(FILE *out, uint32_t flags)
{
    const char *names[24];
    size_t n = sc__sd_pe_section_flag_names(flags, names, 24);
    fprintf(out, "%08X (", flags);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s", i ? ", " : "", names[i]);
    fprintf(out, ")");
}

int sc__sd_check_shared(FILE *out, FILE *err, const char *path,
                        const struct sc_sd_image *image, const char *name)
{
    if (image->format == SC_SD_FORMAT_ELF32 ||
        image->format == SC_SD_FORMAT_ELF64) {
        fprintf(err,
                "sectiondump: %s: ELF sections have no shared flag; "
                "processes share writable data only through shared "
                "mappings\n",
                path);
        return -1;
    }
    long index = sc_sd_pe_find_section(&image->pe, name);
    if (index < 0) {
        fprintf(err, "sectiondump: %s: no section named '%s'\n", path, name);
        return -1;
    }
    uint32_t flags = image->pe.sections[index].characteristics;
    bool shared = (flags & SC_SD_SCN_SHARED_RW) == SC_SD_SCN_SHARED_RW;
    FILE *verdict = shared ? out : err;
    fprintf(verdict, "sectiondump: %s: section '%s' flags ", path, name);
    put_flags(verdict, flags);
    fprintf(verdict, shared ? ": shared, read and write\n"
                            : ": NOT shared read/write (needs Shared, Read "
                              "and Write)\n");
    return shared ? 0 : -1;
}
