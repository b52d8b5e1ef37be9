/*
 * Built images read with sectiondump's parser, for the tests that look
 * into the library's and the programs' files: only they link it (the
 * sc_test_image library), with sectiondump's file reading.
 */
#ifndef SC_TEST_IMAGE_H
#define SC_TEST_IMAGE_H

#include <stddef.h>

#include "sectiondump.h"

/* An image file read whole and parsed by sectiondump's parser. */
struct sc_test_image {
    unsigned char *data;
    size_t size;
    struct sd_image parsed;
};

/* Reads and parses the file at path; fails the test if it cannot. */
void sc__test_image_load_path(struct sc_test_image *image, const char *path);
void sc__test_image_free(struct sc_test_image *image);

/* Whether any section is named ".shared" or flagged IMAGE_SCN_MEM_SHARED. */
int sc__test_image_shares(const struct sc_test_image *image);

/* Fails the test unless the image, a PE file, exports exactly the names of
 * dll/sharedcounter.def (sc_api_names), each from a filled slot. */
void sc__test_assert_exports_api(const struct sc_test_image *image);

#if defined(_WIN32)
/* Reads and parses file, found as sc__test_find_built() finds it. */
void sc__test_image_load(struct sc_test_image *image, const char *dir,
                         const char *file);
#endif

#endif /* SC_TEST_IMAGE_H */
