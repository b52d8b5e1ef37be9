/*
 * Counts with sharedcounter.dll from C built for the MSVC ABI and linked by
 * lld-link against sharedcounter.lib. There is no MSVC C runtime on this
 * machine, so the program is freestanding: it reads its command line and
 * writes with kernel32 alone. Any argument stops it before the first call:
 * --help prints what it does, anything else is refused, and neither touches
 * the counter.
 */
#include <stdint.h>

#include <sharedcounter.h>

#define STD_OUTPUT_HANDLE ((unsigned long)-11)
#define STD_ERROR_HANDLE ((unsigned long)-12)

__declspec(dllimport) void *GetStdHandle(unsigned long which);
__declspec(dllimport) const unsigned short *GetCommandLineW(void);
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
static void write_line_to(unsigned long stream, char *line, char *end)
{
    unsigned long written;

    *end++ = '\n';
    WriteFile(GetStdHandle(stream), line, (unsigned long)(end - line), &written,
              0);
}

static void write_line(char *line, char *end)
{
    write_line_to(STD_OUTPUT_HANDLE, line, end);
}

static const char usage[] =
    "usage: example_msvc [--help]\n"
    "Adds 1, then -3, to the counter of the sharedcounter.dll it loads and\n"
    "prints the version and what each call returned.";

/* The first argument, after the program's name (quoted or not), as ASCII
 * into arg (other characters as '?'). Returns its length, 0 if none. */
static int first_argument(char *arg, int size)
{
    const unsigned short *p = GetCommandLineW();
    int n = 0;

    if (*p == '"') {
        for (p++; *p != 0 && *p != '"'; p++)
            continue;
        p += *p == '"';
    } else {
        while (*p != 0 && *p != ' ' && *p != '\t')
            p++;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    for (; *p != 0 && *p != ' ' && *p != '\t' && n < size - 1; p++)
        arg[n++] = *p < 128 ? (char)*p : '?';
    arg[n] = '\0';
    return n;
}

static int same_text(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    return *a == *b;
}

/* --help, or the refusal of anything else: the exit status. */
static unsigned answer_argument(const char *arg)
{
    char line[sizeof usage + 64];
    char *p;

    if (same_text(arg, "--help")) {
        write_line(line, put_text(line, usage));
        return 0;
    }
    p = put_text(put_text(line, "example_msvc: unknown argument '"), arg);
    write_line_to(STD_ERROR_HANDLE, line, put_text(put_text(p, "'\n"), usage));
    return 2;
}

void mainCRTStartup(void)
{
    char arg[32];

    if (first_argument(arg, sizeof arg) > 0)
        ExitProcess(answer_argument(arg));

    uint32_t version = sc_version();
    int64_t delta = -3;
    char line[64];
    char *p;

    p = put_number(put_text(line, "sc_version: "), version >> 16);
    p = put_number(put_text(p, "."), version >> 8 & 0xff);
    write_line(line, put_number(put_text(p, "."), version & 0xff));
    write_line(line,
               put_number(put_text(line, "sc_increment: "), sc_increment()));
    p = put_text(put_number(put_text(line, "sc_add("), delta), "): ");
    write_line(line, put_number(p, sc_add(delta)));
    write_line(line, put_number(put_text(line, "sc_get: "), sc_get()));
    ExitProcess(version == SC_VERSION_HEX ? 0 : 1);
}
