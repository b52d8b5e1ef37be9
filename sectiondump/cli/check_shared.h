/* --check-shared: is a section shared between processes, and writable? */
#ifndef SC_SD_CHECK_SHARED_H
#define SC_SD_CHECK_SHARED_H

#include <stdio.h>

#include "sectiondump.h"

/* Checks that section name exists and has the Shared, Read and Write flags.
 * Prints the verdict, one line: to out when it holds, to err otherwise.
 * Returns 0 when it holds, -1 otherwise. */
int sc__sd_check_shared(FILE *out, FILE *err, const char *path,
                        const struct sc_sd_image *image, const char *name);

#endif /* SC_SD_CHECK_SHARED_H */
