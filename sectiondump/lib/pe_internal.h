/* What the PE/COFF parser's files share. */
#ifndef SD_PE_INTERNAL_H
#define SD_PE_INTERNAL_H

#include "parse_internal.h"

/* Where an RVA's bytes are in the file: [offset, end). */
struct sd__span {
    uint64_t offset;
    uint64_t end;
};

/* Maps rva to the file data that backs it. Returns 0, or -1 with an error
 * naming what when no section's file data holds the RVA. */
int sd__pe_map(struct sd_image *image, const struct sd__input *in, uint32_t rva,
               const char *what, struct sd__span *out);

/* The NUL-terminated string at rva (see sd__string()). */
int sd__pe_string(struct sd_image *image, const struct sd__input *in,
                  uint32_t rva, const char *what, const char **out);

int sd__pe_parse_exports(struct sd_image *image, const struct sd__input *in);
int sd__pe_parse_imports(struct sd_image *image, const struct sd__input *in);

#endif /* SD_PE_INTERNAL_H */
