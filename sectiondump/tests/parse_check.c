/* Runs the parser on exact-size copies of test data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse_check.h"

static uint8_t *copy_of(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    assert_non_null(copy);
    if (size != 0)
        memcpy(copy, data, size);
    return copy;
}

/* The copy an image points into, freed with the image. */
static uint8_t *parsed_copy;

void sd__parse_ok(struct sd_image *image, const uint8_t *data, size_t size)
{
    parsed_copy = copy_of(data, size);
    int rc = sd_parse(image, parsed_copy, size);
    if (rc != 0)
        print_error("unexpected parse error: %s\n", image->error);
    assert_int_equal(rc, 0);
}

void sd__parse_done(struct sd_image *image)
{
    sd_release(image);
    free(parsed_copy);
    parsed_copy = NULL;
}

void sd__assert_rejected(const uint8_t *data, size_t size, const char *expected)
{
    uint8_t *copy = copy_of(data, size);
    struct sd_image image;
    int rc = sd_parse(&image, copy, size);
    if (rc == 0 || strstr(image.error, expected) == NULL)
        print_error("expected an error with '%s', got rc %d: '%s'\n", expected,
                    rc, image.error);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(image.error, expected));
    assert_null(strchr(image.error, '\n'));
    sd_release(&image);
    free(copy);
}
