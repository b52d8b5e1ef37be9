/* Built images read with sectiondump's parser; see image.h. */
#include "image.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

/* The images are files the build made, at plain paths. */
static void read_file(const char *path, struct sc_test_image *image)
{
    FILE *file = fopen(path, "rb");
    long size = -1;

    if (file != NULL && fseek(file, 0, SEEK_END) == 0)
        size = ftell(file);
    if (size < 0 || fseek(file, 0, SEEK_SET) != 0)
        fail_msg("%s: cannot read it", path);
    image->size = (size_t)size;
    image->data = malloc(image->size > 0 ? image->size : 1);
    assert_non_null(image->data);
    assert_int_equal(fread(image->data, 1, image->size, file), image->size);
    fclose(file);
}

void sc__test_image_load_path(struct sc_test_image *image, const char *path)
{
    read_file(path, image);
    if (sd_parse(&image->parsed, image->data, image->size) != 0)
        fail_msg("%s: %s", path, image->parsed.error);
}

void sc__test_image_free(struct sc_test_image *image)
{
    sd_release(&image->parsed);
    free(image->data);
}

int sc__test_image_shares(const struct sc_test_image *image)
{
    const struct sd_pe *pe = &image->parsed.pe;

    for (size_t i = 0; i < pe->section_count; i++) {
        if (strcmp(pe->sections[i].name, ".shared") == 0 ||
            (pe->sections[i].characteristics & SD_SCN_MEM_SHARED))
            return 1;
    }
    return 0;
}

/* PE export tables list their names sorted by byte value, and so does the
 * generated sc_api_names. lld numbers ordinals from 0 and leaves slot 0
 * empty: only filled slots are exports. */
void sc__test_assert_exports_api(const struct sc_test_image *image)
{
    const struct sd_pe *pe = &image->parsed.pe;
    size_t filled = 0;

    for (size_t i = 0; i < pe->export_name_count && i < SC_API_COUNT; i++) {
        if (strcmp(pe->export_names[i].name, sc_api_names[i]) != 0)
            fail_msg("export %u is %s, but the .def file's is %s", (unsigned)i,
                     pe->export_names[i].name, sc_api_names[i]);
    }
    assert_int_equal(pe->export_name_count, SC_API_COUNT);
    for (size_t i = 0; i < pe->export_function_count; i++)
        filled += pe->export_functions[i].rva != 0;
    assert_int_equal(filled, SC_API_COUNT);
}

#if defined(_WIN32)
void sc__test_image_load(struct sc_test_image *image, const char *dir,
                         const char *file)
{
    char path[MAX_PATH];

    sc__test_find_built(path, sizeof path, dir, file);
    sc__test_image_load_path(image, path);
}
#endif
