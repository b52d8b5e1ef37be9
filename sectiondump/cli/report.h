/* The tool's output: dumpbin/readelf-style text, and JSON for scripts. */
#ifndef SD_REPORT_H
#define SD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "sectiondump.h"

/* The report for a parsed image; path is only shown, never opened. */
void sd__print_text(FILE *out, const char *path, const struct sd_image *image);
void sd__print_json(FILE *out, const char *path, const struct sd_image *image);

/* A file that could not be read or parsed: "sectiondump: PATH: WHY" on err,
 * or with json {"file": PATH, "error": WHY} on out. */
void sd__print_error(FILE *out, FILE *err, bool json, const char *path,
                     const char *why);

/* --check-shared: whether section name exists and has the Shared, Read and
 * Write flags. Prints the verdict as one line (to out when it holds, to err
 * otherwise), or with json as an object on out. Returns 0 when it holds,
 * -1 otherwise. */
int sd__check_shared(FILE *out, FILE *err, bool json, const char *path,
                     const struct sd_image *image, const char *name);

/* The parts of the reports, per format. */
void sd__print_pe_text(FILE *out, const struct sd_image *image);
void sd__print_elf_text(FILE *out, const struct sd_image *image);
void sd__print_archive_text(FILE *out, const struct sd_image *image);
void sd__print_pe_json(FILE *out, const struct sd_image *image);
void sd__print_elf_json(FILE *out, const struct sd_image *image);
void sd__print_archive_json(FILE *out, const struct sd_image *image);

/* Prints a name from the file with control and non-ASCII bytes escaped as
 * \xNN, padded with spaces to |width| (left-aligned when width < 0). */
void sd__put_name(FILE *out, const char *name, int width);

/* Prints a path given by the user: UTF-8 as it is, control characters and
 * bytes that are not UTF-8 escaped as \xNN. */
void sd__put_path(FILE *out, const char *path);

/* Prints a JSON string: valid UTF-8 as it is, control characters and bytes
 * that are not UTF-8 as \u00NN, so that the output is valid JSON whatever
 * the file holds. */
void sd__put_json_string(FILE *out, const char *name);

/* The decoded names of PE section Characteristics, in dumpbin's order:
 * writes up to max pointers to static strings, returns how many. */
size_t sd__pe_section_flag_names(uint32_t flags, const char **names,
                                 size_t max);

#endif /* SD_REPORT_H */
