/* What the ELF parser's files share. */
#ifndef SC_SD_ELF_INTERNAL_H
#define SC_SD_ELF_INTERNAL_H

#include "parse_internal.h"

/* Reads the .dynsym table, after the sections are parsed. */
int sc__sd_parse_elf_symbols(struct sc_sd_image *image,
                             const struct sc__sd_input *in, bool is64);

#endif /* SC_SD_ELF_INTERNAL_H */
