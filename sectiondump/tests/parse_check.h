/* Assertions shared by the parser tests. */
#ifndef SC_SD_PARSE_CHECK_H
#define SC_SD_PARSE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "sectiondump.h"

/* Parses a private copy of exactly size bytes (so that AddressSanitizer
 * sees any read past the end) and asserts that it parses. The image keeps
 * pointing into the copy: free both with sc__sd_parse_done(). */
void sc__sd_parse_ok(struct sc_sd_image *image, const uint8_t *data,
                     size_t size);
void sc__sd_parse_done(struct sc_sd_image *image);

/* Asserts that the bytes are rejected with a one-line error that contains
 * expected. */
void sc__sd_assert_rejected(const uint8_t *data, size_t size,
                            const char *expected);

#endif /* SC_SD_PARSE_CHECK_H */
