/* Assertions shared by the parser tests. */
#ifndef SD_PARSE_CHECK_H
#define SD_PARSE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "sectiondump.h"

/* Parses a private copy of exactly size bytes (so that AddressSanitizer
 * sees any read past the end) and asserts that it parses. The image keeps
 * pointing into the copy: free both with sd__parse_done(). */
void sd__parse_ok(struct sd_image *image, const uint8_t *data, size_t size);
void sd__parse_done(struct sd_image *image);

/* Asserts that the bytes are rejected with a one-line error that contains
 * expected. */
void sd__assert_rejected(const uint8_t *data, size_t size,
                         const char *expected);

#endif /* SD_PARSE_CHECK_H */
