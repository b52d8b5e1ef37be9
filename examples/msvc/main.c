/*
 * Counts with sharedcounter.dll from C built for the MSVC ABI and linked by
 * lld-link against sharedcounter.lib. There is no MSVC C runtime on this
 * machine, so the program is freestanding: it writes with kernel32 alone.
 */
#include <stdint.h>

#include <sharedcounter.h>

#define STD_OUTPUT_HANDLE ((unsigned long)-11)

__declspec(dllimport) void *GetStdHandle(unsigned long which);
__declspec(dllimport) int WriteFile(void *file, const void *data,
                                    unsigned long size, unsigned long *written,
                                    void *overlapped);
__declspec(dllimport) void ExitProcess(unsigned exit_code);

static char *put_text(char *p, const char *text)
{
    while (*text)
        *p++ = *text++;
    return p;
}

static char *put_number(char *p, int64_t value)
{
    char digits[20];
    int n = 0;
    /* Unsigned negation: INT64_MIN has no positive int64_t. */
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;

    if (value < 0)
        *p++ = '-';
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    while (n > 0)
        *p++ = digits[--n];
    return p;
}

/* Ends the line that starts at line and ends at end, and writes it out. */
static void write_line(char *line, char *end)
{
    unsigned long written;

    *end++ = '\n';
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line,
              (unsigned long)(end - line), &written, 0);
}

void mainCRTStartup(void)
{
    uint32_t version = sc_version();
    int64_t delta = -3;
    char line[64];
    char *p;

    p = put_number(put_text(line, "sc_version: "), version >> 16);
    p = put_number(put_text(p, "."), version >> 8 & 0xff);
    write_line(line, put_number(put_text(p, "."), version & 0xff));
    write_line(line, put_number(put_text(line, "sc_increment: "), sc_increment()));
    p = put_text(put_number(put_text(line, "sc_add("), delta), "): ");
    write_line(line, put_number(p, sc_add(delta)));
    write_line(line, put_number(put_text(line, "sc_get: "), sc_get()));
    ExitProcess(version == SC_VERSION_HEX ? 0 : 1);
}
