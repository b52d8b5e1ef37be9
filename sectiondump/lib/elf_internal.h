/* What the ELF parser's files share. */
#ifndef SD_ELF_INTERNAL_H
#define SD_ELF_INTERNAL_H

#include "parse_internal.h"

/* Reads the .dynsym table, after the sections are parsed. */
int sd__parse_elf_symbols(struct sd_image *image, const struct sd__input *in,
                          bool is64);

#endif /* SD_ELF_INTERNAL_H */
