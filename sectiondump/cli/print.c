/* Chooses the report for the image's format. */
#include <stdbool.h>

#include "print.h"

static bool is_elf(const struct sc_sd_image *image)
{
    return image->format == SC_SD_FORMAT_ELF32 ||
           image->format == SC_SD_FORMAT_ELF64;
}

void sc__sd_print_text(FILE *out, const char *path,
                       const struct sc_sd_image *image)
{
    fprintf(out, "Dump of file ");
    sc__sd_put_name(out, path, 0);
    fprintf(out, "\n\n");
    if (is_elf(image))
        sc__sd_print_elf_text(out, image);
    else
        sc__sd_print_pe_text(out, image);
}

void sc__sd_print_json(FILE *out, const char *path,
                       const struct sc_sd_image *image)
{
    fprintf(out, "{\n  \"file\": ");
    sc__sd_put_json_string(out, path);
    fprintf(out, ",\n  \"format\": \"%s\",\n",
            sc_sd_format_name(image->format));
    if (is_elf(image))
        sc__sd_print_elf_json(out, image);
    else
        sc__sd_print_pe_json(out, image);
    fprintf(out, "}\n");
}
