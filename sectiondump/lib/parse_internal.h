/*
 * What the parser's files share: bounds-checked reads from the input, the
 * allocation list of an image, the work budget and error reporting.
 */
#ifndef SC_SD_PARSE_INTERNAL_H
#define SC_SD_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sectiondump.h"

/* The input and how to read its multi-byte fields. */
struct sc__sd_input {
    const uint8_t *data;
    uint64_t size;
    bool big_endian;
};

/* Whether [offset, offset + length) lies inside [0, limit). Never overflows. */
bool sc__sd_fits(uint64_t offset, uint64_t length, uint64_t limit);

/* Readers: false when the field does not lie entirely inside the input. */
bool sc__sd_u8(const struct sc__sd_input *in, uint64_t offset, uint8_t *out);
bool sc__sd_u16(const struct sc__sd_input *in, uint64_t offset, uint16_t *out);
bool sc__sd_u32(const struct sc__sd_input *in, uint64_t offset, uint32_t *out);
bool sc__sd_u64(const struct sc__sd_input *in, uint64_t offset, uint64_t *out);

/* A field of size bytes (4 or 8: ELF's class-sized fields, PE32/PE32+ thunks)
 * that the caller already knows lies inside the input; 0 otherwise. */
uint64_t sc__sd_word(const struct sc__sd_input *in, uint64_t offset,
                     unsigned size);

/* MinGW's stdio follows C99 (%zu, %llu) while the compiler's "printf"
 * format checks Microsoft's; its headers name the right checker. */
#if defined(__MINGW_PRINTF_FORMAT)
#define SC_SD_PRINTF __MINGW_PRINTF_FORMAT
#else
#define SC_SD_PRINTF printf
#endif

/* Sets image->error from a printf format; always returns -1. */
int sc__sd_fail(struct sc_sd_image *image, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(SC_SD_PRINTF, 2, 3)))
#endif
    ;

/* Zeroed memory for count elements of size bytes, owned by the image and
 * freed by sc_sd_release(). NULL (with image->error set) when the request is
 * too large or memory is out. */
void *sc__sd_alloc(struct sc_sd_image *image, uint64_t count, size_t size);

/* Takes units from the image's work budget (one per table entry or string
 * byte examined). Returns -1 with an error once the budget is spent: no
 * honest file needs that much work, only tables that overlap each other. */
int sc__sd_spend(struct sc_sd_image *image, uint64_t units);

/* Finds the NUL-terminated string at offset, which must end before limit.
 * Sets *out to it inside the input. Returns 0, or -1 with an error that
 * names what (a description such as "export name 3"). */
int sc__sd_string(struct sc_sd_image *image, const struct sc__sd_input *in,
                  uint64_t offset, uint64_t limit, const char *what,
                  const char **out);

int sc__sd_parse_pe(struct sc_sd_image *image, const struct sc__sd_input *in);
int sc__sd_parse_coff(struct sc_sd_image *image, const struct sc__sd_input *in);
int sc__sd_parse_elf(struct sc_sd_image *image, const struct sc__sd_input *in);

#endif /* SC_SD_PARSE_INTERNAL_H */
