/* What the PE/COFF parser's files share. */
#ifndef SC_SD_PE_INTERNAL_H
#define SC_SD_PE_INTERNAL_H

#include "parse_internal.h"

/* Where an RVA's bytes are in the file: [offset, end). */
struct sc__sd_span {
    uint64_t offset;
    uint64_t end;
};

/* Maps rva to the file data that backs it. Returns 0, or -1 with an error
 * naming what when no section's file data holds the RVA. */
int sc__sd_pe_map(struct sc_sd_image *image, const struct sc__sd_input *in,
                  uint32_t rva, const char *what, struct sc__sd_span *out);

/* The NUL-terminated string at rva (see sc__sd_string()). */
int sc__sd_pe_string(struct sc_sd_image *image, const struct sc__sd_input *in,
                     uint32_t rva, const char *what, const char **out);

int sc__sd_pe_parse_exports(struct sc_sd_image *image,
                            const struct sc__sd_input *in);
int sc__sd_pe_parse_imports(struct sc_sd_image *image,
                            const struct sc__sd_input *in);

#endif /* SC_SD_PE_INTERNAL_H */
