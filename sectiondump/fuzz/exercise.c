/* Reads every field of a parsed image: a pointer the parser got wrong then
 * makes AddressSanitizer stop, and the printed output is thrown away. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise.h"
#include "report.h"
#include "sectiondump.h"

static FILE *null_output(void)
{
    static FILE *sink;
    if (sink == NULL)
        sink = fopen("/dev/null", "w");
    return sink;
}

int sd__exercise(const uint8_t *data, size_t size)
{
    struct sd_image image;
    int rc = sd_parse(&image, data, size);
    if (rc == 0) {
        FILE *out = null_output();
        if (out != NULL) {
            sd__print_text(out, "input", &image);
            sd__print_json(out, "input", &image);
        }
    } else if (strlen(image.error) == 0 || strchr(image.error, '\n') != NULL) {
        /* A rejection must explain itself in exactly one line. */
        abort();
    }
    sd_release(&image);
    return rc;
}
