/* PE section Characteristics in words, as dumpbin /headers lists them. */
#include "print.h"

struct flag_name {
    uint32_t bit;
    const char *name;
};

static const struct flag_name flag_names[] = {
    {SC_SD_SCN_TYPE_NO_PAD, "No Pad"},
    {SC_SD_SCN_CNT_CODE, "Code"},
    {SC_SD_SCN_CNT_INITIALIZED_DATA, "Initialized Data"},
    {SC_SD_SCN_CNT_UNINITIALIZED_DATA, "Uninitialized Data"},
    {SC_SD_SCN_LNK_INFO, "Info"},
    {SC_SD_SCN_LNK_REMOVE, "Remove"},
    {SC_SD_SCN_LNK_COMDAT, "Communal"},
    {SC_SD_SCN_GPREL, "GP Relative"},
    {SC_SD_SCN_LNK_NRELOC_OVFL, "Extended Relocations"},
    {SC_SD_SCN_MEM_DISCARDABLE, "Discardable"},
    {SC_SD_SCN_MEM_NOT_CACHED, "Not Cached"},
    {SC_SD_SCN_MEM_NOT_PAGED, "Not Paged"},
    {SC_SD_SCN_MEM_SHARED, "Shared"},
};

/* dumpbin names the access in one line: "Execute Read", "Read Write", ... */
static const char *access_name(uint32_t flags)
{
    static const char *const names[8] = {
        NULL,    "Execute",       "Read Only",  "Execute Read",
        "Write", "Execute Write", "Read Write", "Execute Read Write"};
    unsigned index = ((flags & SC_SD_SCN_MEM_EXECUTE) ? 1u : 0u) |
                     ((flags & SC_SD_SCN_MEM_READ) ? 2u : 0u) |
                     ((flags & SC_SD_SCN_MEM_WRITE) ? 4u : 0u);
    return names[index];
}

static const char *alignment_name(uint32_t flags)
{
    static const char *const names[16] = {NULL,
                                          "1 byte align",
                                          "2 byte align",
                                          "4 byte align",
                                          "8 byte align",
                                          "16 byte align",
                                          "32 byte align",
                                          "64 byte align",
                                          "128 byte align",
                                          "256 byte align",
                                          "512 byte align",
                                          "1024 byte align",
                                          "2048 byte align",
                                          "4096 byte align",
                                          "8192 byte align",
                                          "(unknown alignment)"};
    return names[(flags & SC_SD_SCN_ALIGN_MASK) >> 20];
}

size_t sc__sd_pe_section_flag_names(uint32_t flags, const char **names,
                                    size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
        if ((flags & flag_names[i].bit) && n < max)
            names[n++] = flag_names[i].name;
    }
    const char *extra[] = {alignment_name(flags), access_name(flags)};
    for (size_t i = 0; i < 2; i++) {
        if (extra[i] != NULL && n < max)
            names[n++] = extra[i];
    }
    return n;
}
