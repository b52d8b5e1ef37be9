/* What the test support does alike on every platform; see support.h. */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "platform.h"

/* ---- built images ------------------------------------------------------- */

void sc__test_image_load_path(struct sc_test_image *image, const char *path)
{
    char error[128];

    if (sd__read_file(path, &image->data, &image->size, error, sizeof error) !=
        0)
        fail_msg("%s: %s", path, error);
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

/* ---- text ---------------------------------------------------------------- */

void sc__test_assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("\"%s\" not found in:\n%s", part, text);
}

/* ---- one case of a suite ------------------------------------------------ */

void sc__test_filter_from_environment(void)
{
    const char *pattern = getenv("SC_TEST_FILTER");

    if (pattern != NULL && pattern[0] != '\0')
        cmocka_set_test_filter(pattern);
}
