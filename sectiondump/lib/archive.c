/* ar archives: static libraries and import libraries, GNU's (.a) and
 * Microsoft's (.lib). Each member is a 60-byte header and its data, padded to
 * an even offset. */
#include <stdio.h>
#include <string.h>

#include "parse_internal.h"

enum {
    MAGIC_SIZE = 8,
    HEADER_SIZE = 60,
    NAME_SIZE = 16,
    SIZE_AT = 48,
    SIZE_DIGITS = 10,
    TERMINATOR_AT = 58,
    SHORT_IMPORT_SIZE = 20,
    ORDINAL_NAME_TYPE = 0,
};

/* A decimal field padded with spaces. */
static bool decimal_field(const uint8_t *field, size_t width, uint64_t *out)
{
    uint64_t value = 0;
    size_t i = 0;
    for (; i < width && field[i] >= '0' && field[i] <= '9'; i++)
        value = value * 10 + (uint64_t)(field[i] - '0');
    for (size_t j = i; j < width; j++) {
        if (field[j] != ' ')
            return false;
    }
    *out = value;
    return i > 0;
}

/* A copy of length bytes at text, owned by the image; strip drops the '/'
 * that ends GNU's and Microsoft's member names. */
static const char *copy_name(struct sd_image *image, const uint8_t *text,
                             size_t length, bool strip)
{
    if (strip && length > 0 && text[length - 1] == '/')
        length--;
    char *copy = sd__alloc(image, length + 1, 1);
    if (copy != NULL)
        memcpy(copy, text, length);
    return copy;
}

/* "/123" is entry 123 of the "//" member: GNU ends its names with "/\n",
 * Microsoft with a NUL. */
static int long_name(struct sd_image *image, const struct sd__input *in,
                     const struct sd_archive_member *names, uint64_t offset,
                     const char **out)
{
    if (names == NULL || offset >= names->size)
        return sd__fail(image, "member name /%llu: no long name table holds it",
                        (unsigned long long)offset);
    const uint8_t *start = in->data + names->header_offset + HEADER_SIZE;
    size_t end = (size_t)offset;
    while (end < names->size && start[end] != '\n' && start[end] != '\0')
        end++;
    if (sd__spend(image, end - offset + 1) != 0)
        return -1;
    *out = copy_name(image, start + offset, end - (size_t)offset, true);
    return *out != NULL ? 0 : -1;
}

static int member_name(struct sd_image *image, const struct sd__input *in,
                       struct sd_archive_member *m,
                       const struct sd_archive_member *names)
{
    const uint8_t *field = in->data + m->header_offset;
    size_t length = NAME_SIZE;
    while (length > 0 && field[length - 1] == ' ')
        length--;
    uint64_t offset;
    if (length > 1 && field[0] == '/' &&
        decimal_field(field + 1, NAME_SIZE - 1, &offset))
        return long_name(image, in, names, offset, &m->name);
    /* "/", "//" and "/SYM64/" are names of their own, not a name and its
     * end. */
    m->name = copy_name(image, field, length, field[0] != '/');
    return m->name != NULL ? 0 : -1;
}

/* Microsoft's short import object: sig1 0, sig2 0xFFFF, then the symbol and
 * the DLL name, both NUL-terminated, after the 20-byte header. */
static int short_import(struct sd_image *image, const struct sd__input *in,
                        struct sd_archive_member *m, uint64_t at)
{
    uint16_t type;
    sd__u16(in, at + 6, &m->machine);
    sd__u16(in, at + 16, &m->import_hint);
    sd__u16(in, at + 18, &type);
    m->kind = SD_MEMBER_IMPORT;
    m->import_form = SD_IMPORT_SHORT;
    m->import_type = type & 3u;
    m->by_ordinal = ((type >> 2) & 7u) == ORDINAL_NAME_TYPE;
    uint64_t end = at + m->size;
    const char *symbol;
    if (sd__string(image, in, at + SHORT_IMPORT_SIZE, end,
                   "import object symbol", &symbol) != 0)
        return -1;
    if (!m->by_ordinal)
        m->import_symbol = symbol;
    return sd__string(image, in, at + SHORT_IMPORT_SIZE + strlen(symbol) + 1,
                      end, "import object DLL name", &m->import_dll);
}

static const struct sd_pe_section *find(const struct sd_pe *pe,
                                        const char *name)
{
    long index = sd_pe_find_section(pe, name);
    return index < 0 ? NULL : &pe->sections[index];
}

/* The long form, from the object's sections: a function member holds the
 * hint and name in .idata$6 (empty when imported by ordinal, which then
 * is in .idata$4 with the top bit set); the head holds .idata$2 and the
 * tail the DLL name in .idata$7. lld writes short import objects, but its
 * head is a long-form object too. */
static int long_import(struct sd_image *image, const struct sd__input *in,
                       struct sd_archive_member *m, const struct sd_pe *pe,
                       uint64_t at)
{
    const struct sd_pe_section *hint_name = find(pe, ".idata$6");
    const struct sd_pe_section *thunk = find(pe, ".idata$4");
    const struct sd_pe_section *dll = find(pe, ".idata$7");
    m->import_form = SD_IMPORT_LONG;
    m->kind = SD_MEMBER_IMPORT;
    /* lld's head keeps the DLL name in .idata$6, without a hint. */
    if (find(pe, ".idata$2") != NULL) {
        m->import_part = SD_IMPORT_HEAD;
        if (hint_name == NULL || hint_name->raw_size == 0)
            return 0;
        return sd__string(image, in, at + hint_name->raw_offset,
                          at + hint_name->raw_offset + hint_name->raw_size,
                          "DLL name (.idata$6)", &m->import_dll);
    }
    if (hint_name != NULL && hint_name->raw_size >= 3) {
        uint64_t start = at + hint_name->raw_offset;
        sd__u16(in, start, &m->import_hint);
        return sd__string(image, in, start + 2, start + hint_name->raw_size,
                          "import name (.idata$6)", &m->import_symbol);
    }
    uint8_t top = 0;
    if (find(pe, ".idata$5") != NULL && thunk != NULL && thunk->raw_size >= 4 &&
        sd__u8(in, at + thunk->raw_offset + thunk->raw_size - 1, &top) &&
        (top & 0x80u)) {
        m->by_ordinal = 1;
        sd__u16(in, at + thunk->raw_offset, &m->import_hint);
        return 0;
    }
    uint8_t first = 0;
    if (dll != NULL && dll->raw_size > 0 &&
        sd__u8(in, at + dll->raw_offset, &first) && first != 0) {
        m->import_part = SD_IMPORT_TAIL;
        return sd__string(image, in, at + dll->raw_offset,
                          at + dll->raw_offset + dll->raw_size,
                          "DLL name (.idata$7)", &m->import_dll);
    }
    m->kind = SD_MEMBER_OBJECT;
    m->import_form = 0;
    return 0;
}

/* Recognises a member's data: an import object, a COFF object or other. */
static int classify(struct sd_image *image, const struct sd__input *in,
                    struct sd_archive_member *m)
{
    uint64_t at = m->header_offset + HEADER_SIZE;
    uint16_t sig1 = 1, sig2 = 0;
    sd__u16(in, at, &sig1);
    sd__u16(in, at + 2, &sig2);
    if (m->size >= SHORT_IMPORT_SIZE && sig1 == 0 && sig2 == 0xFFFF)
        return short_import(image, in, m, at);
    if (m->size < 20 || sd_pe_machine_name(sig1) == NULL) {
        m->kind = SD_MEMBER_OTHER;
        return 0;
    }
    /* The member is parsed as an object of its own; its names point into
     * the input, which outlives it, but its tables are freed here. */
    struct sd_image object = {.work_left = image->work_left};
    struct sd__input data = {in->data + at, m->size, false};
    int rc = sd__parse_coff(&object, &data);
    image->work_left = object.work_left;
    if (rc != 0) {
        rc = sd__fail(image, "member %s: %s", m->name, object.error);
    } else {
        m->kind = SD_MEMBER_OBJECT;
        m->machine = object.pe.machine;
        /* Offsets in the object are relative to the member's data. */
        rc = long_import(image, in, m, &object.pe, at);
    }
    sd_release(&object);
    return rc;
}

/* GNU's long-form function members name no DLL; the tail does. With one
 * DLL in the archive (any one import library), it is theirs. */
static void assign_long_form_dll(struct sd_archive *archive)
{
    const char *dll = NULL;
    for (size_t i = 0; i < archive->member_count; i++) {
        const struct sd_archive_member *m = &archive->members[i];
        if (m->import_part != SD_IMPORT_TAIL)
            continue;
        if (dll != NULL && strcmp(dll, m->import_dll) != 0)
            return;
        dll = m->import_dll;
    }
    for (size_t i = 0; i < archive->member_count; i++) {
        struct sd_archive_member *m = &archive->members[i];
        if (m->import_form == SD_IMPORT_LONG &&
            m->import_part == SD_IMPORT_FUNCTION)
            m->import_dll = dll;
    }
}

static int read_header(struct sd_image *image, const struct sd__input *in,
                       uint64_t at, struct sd_archive_member *m)
{
    if (!sd__fits(at, HEADER_SIZE, in->size))
        return sd__truncated(image, "archive member header", at, HEADER_SIZE,
                             in->size);
    const uint8_t *header = in->data + at;
    if (header[TERMINATOR_AT] != '`' || header[TERMINATOR_AT + 1] != '\n' ||
        !decimal_field(header + SIZE_AT, SIZE_DIGITS, &m->size))
        return sd__fail(image, "archive member header at 0x%llx is damaged",
                        (unsigned long long)at);
    m->header_offset = at;
    if (!sd__fits(at + HEADER_SIZE, m->size, in->size))
        return sd__truncated(image, "archive member", at + HEADER_SIZE, m->size,
                             in->size);
    return 0;
}

/* Members come in file order; "//" comes before the names that use it. */
int sd__parse_archive(struct sd_image *image, const struct sd__input *in)
{
    struct sd_archive *archive = &image->archive;
    image->format = SD_FORMAT_ARCHIVE;
    uint64_t capacity = (in->size - MAGIC_SIZE) / HEADER_SIZE;
    archive->members = sd__alloc(image, capacity, sizeof *archive->members);
    if (archive->members == NULL)
        return -1;
    const struct sd_archive_member *names = NULL;
    for (uint64_t at = MAGIC_SIZE; at < in->size;) {
        struct sd_archive_member *m = &archive->members[archive->member_count];
        if (read_header(image, in, at, m) != 0 ||
            member_name(image, in, m, names) != 0)
            return -1;
        archive->member_count++;
        if (strcmp(m->name, "//") == 0) {
            m->kind = SD_MEMBER_NAME_TABLE;
            names = m;
        } else if (strcmp(m->name, "/") == 0 ||
                   strcmp(m->name, "/SYM64/") == 0) {
            m->kind = SD_MEMBER_SYMBOL_TABLE;
        } else if (classify(image, in, m) != 0) {
            return -1;
        }
        at += HEADER_SIZE + m->size + (m->size & 1u);
    }
    assign_long_form_dll(archive);
    return 0;
}
