/* Compares what the parser reads with what binutils prints for one file. */
#ifndef SD_CROSSCHECK_H
#define SD_CROSSCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "sectiondump.h"

struct sd_crosscheck_counts {
    size_t files;
    size_t sections;
    size_t fields; /* single values compared */
    size_t exports;
    size_t imports;
    size_t symbols;
};

/* A value sectiondump read and the label a reference tool prints it with. */
struct sd_labelled_value {
    const char *label;
    uint64_t ours;
};

/* Against x86_64-w64-mingw32-objdump -f -h -p. */
void sd__crosscheck_pe(const char *path, const struct sd_image *image,
                       struct sd_crosscheck_counts *counts);

/* The fields objdump does not print, against llvm-readobj --file-headers
 * --sections. */
void sd__crosscheck_pe_raw(const char *path, const struct sd_image *image,
                           struct sd_crosscheck_counts *counts);

/* Against readelf -h -S -W --dyn-syms. */
void sd__crosscheck_elf(const char *path, const struct sd_image *image,
                        struct sd_crosscheck_counts *counts);

/* Fail the test, naming the file and the field, when the values differ. */
void sd__expect_u64(const char *path, const char *what, uint64_t ours,
                    uint64_t theirs, struct sd_crosscheck_counts *counts);
void sd__expect_str(const char *path, const char *what, const char *ours,
                    const char *theirs, struct sd_crosscheck_counts *counts);

#endif /* SD_CROSSCHECK_H */
