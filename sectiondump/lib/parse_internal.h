/*
 * What the parser's files share: bounds-checked reads from the input, the
 * allocation list of an image, the work budget and error reporting.
 */
#ifndef SD_PARSE_INTERNAL_H
#define SD_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sectiondump.h"

/* The input and how to read its multi-byte fields. */
struct sd__input {
    const uint8_t *data;
    uint64_t size;
    bool big_endian;
};

/* Whether [offset, offset + length) lies inside [0, limit). Never overflows. */
bool sd__fits(uint64_t offset, uint64_t length, uint64_t limit);

/* Readers: false when the field does not lie entirely inside the input. */
bool sd__u8(const struct sd__input *in, uint64_t offset, uint8_t *out);
bool sd__u16(const struct sd__input *in, uint64_t offset, uint16_t *out);
bool sd__u32(const struct sd__input *in, uint64_t offset, uint32_t *out);
bool sd__u64(const struct sd__input *in, uint64_t offset, uint64_t *out);

/* A field of size bytes (4 or 8: ELF's class-sized fields, PE32/PE32+ thunks)
 * that the caller already knows lies inside the input; 0 otherwise. */
uint64_t sd__word(const struct sd__input *in, uint64_t offset, unsigned size);

/* MinGW's stdio follows C99 (%zu, %llu) while the compiler's "printf"
 * format checks Microsoft's; its headers name the right checker. */
#if defined(__MINGW_PRINTF_FORMAT)
#define SD_PRINTF __MINGW_PRINTF_FORMAT
#else
#define SD_PRINTF printf
#endif

/* Sets image->error from a printf format; always returns -1. */
int sd__fail(struct sd_image *image, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(SD_PRINTF, 2, 3)))
#endif
    ;

/* Fails with "truncated WHAT: HAVE of NEED bytes", for a structure of need
 * bytes at offset at of an input of size bytes. Always returns -1. */
int sd__truncated(struct sd_image *image, const char *what, uint64_t at,
                  uint64_t need, uint64_t size);

/* Zeroed memory for count elements of size bytes, owned by the image and
 * freed by sd_release(). NULL (with image->error set) when the request is
 * too large or memory is out. */
void *sd__alloc(struct sd_image *image, uint64_t count, size_t size);

/* Takes units from the image's work budget (one per table entry or string
 * byte examined). Returns -1 with an error once the budget is spent: no
 * honest file needs that much work, only tables that overlap each other. */
int sd__spend(struct sd_image *image, uint64_t units);

/* Finds the NUL-terminated string at offset, which must end before limit.
 * Sets *out to it inside the input. Returns 0, or -1 with an error that
 * names what (a description such as "export name 3"). */
int sd__string(struct sd_image *image, const struct sd__input *in,
               uint64_t offset, uint64_t limit, const char *what,
               const char **out);

int sd__parse_pe(struct sd_image *image, const struct sd__input *in);
int sd__parse_coff(struct sd_image *image, const struct sd__input *in);
int sd__parse_archive(struct sd_image *image, const struct sd__input *in);
int sd__parse_elf(struct sd_image *image, const struct sd__input *in);

#endif /* SD_PARSE_INTERNAL_H */
