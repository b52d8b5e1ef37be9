/* The text report for archives: one line per member, and what each import
 * object imports from where. */
#include <inttypes.h>

#include "report.h"

static const char *const import_types[4] = {"code", "data", "const", "?"};

static void put_import(FILE *out, const struct sd_archive_member *m)
{
    fprintf(out, "import (%s",
            m->import_form == SD_IMPORT_SHORT ? "short" : "long");
    if (m->import_form == SD_IMPORT_SHORT)
        fprintf(out, ", %s", import_types[m->import_type & 3u]);
    if (m->import_part != SD_IMPORT_FUNCTION) {
        fprintf(out, "): %s",
                m->import_part == SD_IMPORT_HEAD ? "head" : "tail");
        if (m->import_dll == NULL) {
            fprintf(out, "\n");
            return;
        }
        fprintf(out, ", DLL ");
        sd__put_name(out, m->import_dll, 0);
        fprintf(out, "\n");
        return;
    }
    fprintf(out, "): ");
    if (m->by_ordinal) {
        fprintf(out, "ordinal %u", m->import_hint);
    } else {
        sd__put_name(out, m->import_symbol, 0);
        fprintf(out, " (hint %u)", m->import_hint);
    }
    fprintf(out, " from ");
    sd__put_name(out, m->import_dll != NULL ? m->import_dll : "?", 0);
    fprintf(out, "\n");
}

static void put_member(FILE *out, const struct sd_archive_member *m)
{
    fprintf(out, "%12" PRIX64 " %10" PRIX64 "  ", m->header_offset, m->size);
    sd__put_name(out, m->name, -28);
    fprintf(out, " ");
    const char *machine = sd_pe_machine_name(m->machine);
    switch (m->kind) {
    case SD_MEMBER_SYMBOL_TABLE:
        fprintf(out, "symbol table\n");
        break;
    case SD_MEMBER_NAME_TABLE:
        fprintf(out, "long names\n");
        break;
    case SD_MEMBER_OBJECT:
        fprintf(out, "COFF object (%s)\n", machine ? machine : "unknown");
        break;
    case SD_MEMBER_IMPORT:
        put_import(out, m);
        break;
    case SD_MEMBER_OTHER:
        fprintf(out, "other\n");
        break;
    }
}

void sd__print_archive_text(FILE *out, const struct sd_image *image)
{
    const struct sd_archive *archive = &image->archive;
    size_t imports = 0;
    for (size_t i = 0; i < archive->member_count; i++) {
        const struct sd_archive_member *m = &archive->members[i];
        imports +=
            m->kind == SD_MEMBER_IMPORT && m->import_part == SD_IMPORT_FUNCTION;
    }
    fprintf(
        out,
        "File Type: LIBRARY\n\n%12zX members, %zX of them imports\n\n"
        "      offset       size  member                       contents\n\n",
        archive->member_count, imports);
    for (size_t i = 0; i < archive->member_count; i++)
        put_member(out, &archive->members[i]);
}
