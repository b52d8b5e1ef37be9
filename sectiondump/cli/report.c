/* What every report shares: the choice of report for the image's format,
 * errors, --check-shared, and the escaping of names from untrusted files. */
#include <inttypes.h>
#include <string.h>

#include "report.h"

static bool is_elf(const struct sd_image *image)
{
    return image->format == SD_FORMAT_ELF32 || image->format == SD_FORMAT_ELF64;
}

void sd__print_text(FILE *out, const char *path, const struct sd_image *image)
{
    fprintf(out, "Dump of file ");
    sd__put_path(out, path);
    fprintf(out, "\n\n");
    if (is_elf(image))
        sd__print_elf_text(out, image);
    else if (image->format == SD_FORMAT_ARCHIVE)
        sd__print_archive_text(out, image);
    else
        sd__print_pe_text(out, image);
}

void sd__print_json(FILE *out, const char *path, const struct sd_image *image)
{
    fprintf(out, "{\n  \"file\": ");
    sd__put_json_string(out, path);
    fprintf(out, ",\n  \"format\": \"%s\",\n", sd_format_name(image->format));
    if (is_elf(image))
        sd__print_elf_json(out, image);
    else if (image->format == SD_FORMAT_ARCHIVE)
        sd__print_archive_json(out, image);
    else
        sd__print_pe_json(out, image);
    fprintf(out, "}\n");
}

void sd__print_error(FILE *out, FILE *err, bool json, const char *path,
                     const char *why)
{
    if (json) {
        fprintf(out, "{\"file\": ");
        sd__put_json_string(out, path);
        fprintf(out, ", \"error\": ");
        sd__put_json_string(out, why);
        fprintf(out, "}\n");
        return;
    }
    fprintf(err, "sectiondump: ");
    sd__put_path(err, path);
    fprintf(err, ": %s\n", why);
}

/* Why a section cannot be checked, or NULL when it can. */
static const char *uncheckable(const struct sd_image *image)
{
    if (is_elf(image))
        return "ELF sections have no shared flag; processes share writable "
               "data only through shared mappings";
    if (image->format == SD_FORMAT_ARCHIVE)
        return "an archive has no sections of its own; check the image "
               "linked from it";
    return NULL;
}

static void put_flag_names(FILE *out, uint32_t flags, bool json)
{
    const char *names[24];
    size_t n = sd__pe_section_flag_names(flags, names, 24);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s", i ? ", " : "");
        if (json)
            sd__put_json_string(out, names[i]);
        else
            fprintf(out, "%s", names[i]);
    }
}

static void put_verdict_json(FILE *out, const char *path, const char *name,
                             const struct sd_pe_section *section, bool shared,
                             const char *problem)
{
    fprintf(out, "{\"file\": ");
    sd__put_json_string(out, path);
    fprintf(out, ", \"section\": ");
    sd__put_json_string(out, name);
    fprintf(out, ", \"shared\": %s", shared ? "true" : "false");
    if (section != NULL) {
        fprintf(out, ", \"flags\": %" PRIu32 ", \"flag_names\": [",
                section->characteristics);
        put_flag_names(out, section->characteristics, true);
        fprintf(out, "]");
    }
    if (problem != NULL) {
        fprintf(out, ", \"error\": ");
        sd__put_json_string(out, problem);
    }
    fprintf(out, "}\n");
}

static void put_verdict_text(FILE *out, FILE *err, const char *path,
                             const char *name,
                             const struct sd_pe_section *section, bool shared,
                             const char *problem)
{
    FILE *to = shared ? out : err;
    fprintf(to, "sectiondump: ");
    sd__put_path(to, path);
    if (section == NULL) {
        fprintf(to, ": %s\n", problem);
        return;
    }
    fprintf(to, ": section '%s' flags %08X (", name, section->characteristics);
    put_flag_names(to, section->characteristics, false);
    fprintf(to, shared ? "): shared, read and write\n"
                       : "): NOT shared read/write (needs Shared, Read and "
                         "Write)\n");
}

int sd__check_shared(FILE *out, FILE *err, bool json, const char *path,
                     const struct sd_image *image, const char *name)
{
    const char *problem = uncheckable(image);
    const struct sd_pe_section *section = NULL;
    char missing[160];
    if (problem == NULL) {
        long index = sd_pe_find_section(&image->pe, name);
        if (index >= 0)
            section = &image->pe.sections[index];
        snprintf(missing, sizeof missing, "no section named '%s'", name);
        problem = section == NULL ? missing : NULL;
    }
    bool shared = section != NULL && (section->characteristics &
                                      SD_SCN_SHARED_RW) == SD_SCN_SHARED_RW;
    if (json)
        put_verdict_json(out, path, name, section, shared, problem);
    else
        put_verdict_text(out, err, path, name, section, shared, problem);
    return shared ? 0 : -1;
}

static bool is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

/* The length of the valid UTF-8 sequence of two to four bytes at p, or 0
 * (overlong forms, surrogates and values past U+10FFFF are not valid). */
static size_t utf8_sequence(const unsigned char *p)
{
    size_t length = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (length == 0 || p[0] > 0xf4)
        return 0;
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    }
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
        (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
        return 0;
    return length;
}

static size_t escaped_length(const char *name)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        n += is_plain(*p) ? 1 : 4;
    return n;
}

void sd__put_name(FILE *out, const char *name, int width)
{
    size_t length = escaped_length(name);
    size_t pad = (size_t)(width < 0 ? -width : width);
    pad = pad > length ? pad - length : 0;
    if (width > 0)
        fprintf(out, "%*s", (int)pad, "");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (is_plain(*p))
            fputc(*p, out);
        else
            fprintf(out, "\\x%02x", *p);
    }
    if (width < 0)
        fprintf(out, "%*s", (int)pad, "");
}

void sd__put_path(FILE *out, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p;) {
        size_t n = is_plain(*p) ? 1 : utf8_sequence(p);
        if (n == 0) {
            fprintf(out, "\\x%02x", *p++);
            continue;
        }
        fwrite(p, 1, n, out);
        p += n;
    }
}

void sd__put_json_string(FILE *out, const char *name)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)name; *p;) {
        size_t n = is_plain(*p) ? 1 : utf8_sequence(p);
        if (n == 0)
            fprintf(out, "\\u%04x", *p++);
        else if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p++);
        else {
            fwrite(p, 1, n, out);
            p += n;
        }
    }
    fputc('"', out);
}
