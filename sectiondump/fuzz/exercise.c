/* Reads every field of a parsed image: a pointer the parser got wrong then
 * makes AddressSanitizer stop, and the printed output is thrown away. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise.h"
#include "print.h"
#include "sectiondump.h"

static FILE *null_output(void)
{
    static FILE *sink;
    if (sink == NULL)
        sink = fopen("/dev/null", "w");
    return sink;
}

int sc__sd_exercise(const uint8_t *data, size_t size)
{
    struct sc_sd_image image;
    int rc = sc_sd_parse(&image, data, size);
    if (rc == 0) {
        FILE *out = null_output();
        if (out != NULL) {
            sc__sd_print_text(out, "input", &image);
            sc__sd_print_json(out, "input", &image);
        }
    } else if (strlen(image.error) == 0 || strchr(image.error, '\n') != NULL) {
        /* A rejection must explain itself in exactly one line. */
        abort();
    }
    sc_sd_release(&image);
    return rc;
}
