/* The tool's output: dumpbin/readelf-style text, and JSON for scripts. */
#ifndef SC_SD_PRINT_H
#define SC_SD_PRINT_H

#include <stdio.h>

#include "sectiondump.h"

/* The report for a parsed image; path is only shown, never opened. */
void sc__sd_print_text(FILE *out, const char *path,
                       const struct sc_sd_image *image);
void sc__sd_print_json(FILE *out, const char *path,
                       const struct sc_sd_image *image);

/* The parts of the text report, per format. */
void sc__sd_print_pe_text(FILE *out, const struct sc_sd_image *image);
void sc__sd_print_elf_text(FILE *out, const struct sc_sd_image *image);
void sc__sd_print_pe_json(FILE *out, const struct sc_sd_image *image);
void sc__sd_print_elf_json(FILE *out, const struct sc_sd_image *image);
void sc__sd_print_pe_summary(FILE *out, const struct sc_sd_image *image);

/* Prints a name from the file with control and non-ASCII bytes escaped as
 * \xNN, padded with spaces to |width| (left-aligned when width < 0). */
void sc__sd_put_name(FILE *out, const char *name, int width);

/* Prints a JSON string: name quoted, with everything outside printable
 * ASCII escaped, so that the output is valid JSON whatever the file holds. */
void sc__sd_put_json_string(FILE *out, const char *name);

/* The decoded names of PE section Characteristics, in dumpbin's order:
 * writes up to max pointers to static strings, returns how many. */
size_t sc__sd_pe_section_flag_names(uint32_t flags, const char **names,
                                    size_t max);

#endif /* SC_SD_PRINT_H */
