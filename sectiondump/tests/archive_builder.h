/* ar archives and the objects in import libraries, built in memory for the
 * parser tests. */
#ifndef SD_ARCHIVE_BUILDER_H
#define SD_ARCHIVE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

enum { SD_AR_MAX = 8192 };

struct sd__ar {
    uint8_t data[SD_AR_MAX];
    size_t size;
};

/* Starts an archive: the "!<arch>\n" magic. */
void sd__ar_start(struct sd__ar *ar);

/* Appends a member whose header name field is name, as it is ("/", "//",
 * "a.o/", "/12"), padded to an even size as ar does. */
void sd__ar_add(struct sd__ar *ar, const char *name, const void *data,
                size_t size);

/* Microsoft's short import object; name_type 0 imports by ordinal. Returns
 * its size. */
size_t sd__short_import(uint8_t *buf, uint16_t hint, unsigned type,
                        unsigned name_type, const char *symbol,
                        const char *dll);

struct sd__coff_section {
    const char *name; /* up to 8 characters */
    const void *data;
    size_t size;
};

/* An x64 COFF object with these sections, their data after the section
 * table. Returns its size. */
size_t sd__coff_object(uint8_t *buf, const struct sd__coff_section *sections,
                       size_t count);

#endif /* SD_ARCHIVE_BUILDER_H */
