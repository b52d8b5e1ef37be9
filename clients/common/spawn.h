/*
 * Child processes for the launcher, the benchmark and the tests: start a
 * program (optionally suspended, so that many can be released together),
 * talk to it through pipes, wait for it, collect what it printed; and the
 * Win32 odds and ends around that: the program's own folder, paths of any
 * length in UTF-8, handles and functions of loaded DLLs.
 *
 * Every path and argument here is UTF-8; they reach Windows as UTF-16, so
 * that names outside the ANSI code page work, and paths longer than
 * MAX_PATH are handed on in their extended-length ("\\?\") form.
 */
#ifndef SC_SPAWN_H
#define SC_SPAWN_H

#include <stddef.h>
#include <wchar.h>

#include <windows.h>

/* What a program's file name ends with. */
#define SC_EXE_SUFFIX ".exe"

/* Closes *h unless it holds no handle (NULL or INVALID_HANDLE_VALUE), then
 * sets it to NULL, so that a second call does nothing. */
void sc__close_handle(HANDLE *h);

/* The generic function pointer type: converting GetProcAddress's result
 * through it, and from it to the real type, tells the compiler that the
 * change of signature is intended (no function-type-mismatch warning). */
typedef void (*sc__any_fn)(void);

/* The function module exports as name, or NULL (see GetLastError()). */
sc__any_fn sc__find_function(HMODULE module, const char *name);

/* The UTF-16 form of a UTF-8 string, or the UTF-8 form of a UTF-16 one,
 * in a new string for free(). NULL when text is not valid UTF-8 (UTF-16,
 * unpaired surrogates included) or memory runs out: a path that does not
 * convert exactly would name another file. */
wchar_t *sc__wide_from_utf8(const char *text);
char *sc__utf8_from_wide(const wchar_t *text);

/* path (UTF-8, absolute or relative to the current folder) as a full
 * UTF-16 path that the wide file functions accept at any length: with the
 * "\\?\" prefix when it is too long for MAX_PATH. A new string for free(),
 * or NULL (see GetLastError()). */
wchar_t *sc__wide_path(const char *path);

/* The full path of module (NULL: the running program), of any length; a
 * new string for free(), or NULL (see GetLastError()). */
wchar_t *sc__module_path(HMODULE module);

/* The full path (UTF-8) of file in the running program's folder, or with
 * file NULL of the program itself. A new string for free(), or NULL. */
char *sc__program_path(const char *file);

/* Writes the folder of the running program (UTF-8), with a trailing
 * backslash, into buf. Returns 0, or ERROR_INSUFFICIENT_BUFFER. */
DWORD sc__program_dir(char *buf, size_t size);

enum {
    SC_CHILD_SUSPENDED = 1 << 0,   /* created suspended: sc__child_resume() */
    SC_CHILD_PIPE_STDIN = 1 << 1,  /* write to it with sc__child_write() */
    SC_CHILD_PIPE_OUTPUT = 1 << 2, /* capture stdout and stderr */
    /* No console and no standard handles (INVALID_HANDLE_VALUE), as a
     * service or a program started from a window may run; not with the
     * pipes. */
    SC_CHILD_DETACHED = 1 << 3,
};

/* How long sc__child_write() and sc__child_read_line() wait for a child
 * before they give up with WAIT_TIMEOUT. */
enum { SC_CHILD_IO_TIMEOUT_MS = 60000 };

struct sc__child_io; /* the pipes' buffers and operations in progress */

struct sc_child {
    HANDLE process;
    HANDLE thread;
    DWORD pid;
    HANDLE stdin_write; /* NULL unless SC_CHILD_PIPE_STDIN */
    HANDLE stdout_read; /* NULL unless SC_CHILD_PIPE_OUTPUT */
    HANDLE stderr_read; /* NULL unless SC_CHILD_PIPE_OUTPUT */
    struct sc__child_io *io;
};

/* What a finished child printed, NUL-terminated; "\r\n" is kept as printed. */
struct sc_child_output {
    char *out;
    size_t out_len;
    char *err;
    size_t err_len;
};

/* Starts program with the command line "program args" (args may be NULL).
 * Returns 0, or the Win32 error code; on error nothing is left open. */
DWORD sc__child_start(struct sc_child *child, const char *program,
                      const char *args, unsigned flags);

/* Lets a child created with SC_CHILD_SUSPENDED run. Returns 0 or an error. */
DWORD sc__child_resume(struct sc_child *child);

/* Writes len bytes to the child's stdin, reading its output meanwhile into
 * a buffer (so a child that stops reading to write cannot block us both).
 * Returns 0, an error code, or WAIT_TIMEOUT if the child took more than
 * SC_CHILD_IO_TIMEOUT_MS to take the data (what was left is dropped). */
DWORD sc__child_write(struct sc_child *child, const char *data, size_t len);

/* Closes the child's stdin, so that it reads end-of-file. */
void sc__child_close_stdin(struct sc_child *child);

/* Reads one line (up to '\n', which is dropped, as is a '\r' before it) of
 * the child's stdout into buf. Returns 0, ERROR_HANDLE_EOF when the child
 * closed stdout first, ERROR_INSUFFICIENT_BUFFER for a longer line,
 * WAIT_TIMEOUT after SC_CHILD_IO_TIMEOUT_MS, or the error of a failed read.
 * What follows the line stays for the next read or sc__child_finish(). */
DWORD sc__child_read_line(struct sc_child *child, char *buf, size_t size);

/* Writes what is left of the input, closes stdin, reads stdout and stderr
 * to their ends (both at once, so a chatty child cannot block on a full
 * pipe), and waits for the child to exit, all within timeout_ms (INFINITE:
 * no limit). Returns 0 with *exit_code set; WAIT_TIMEOUT if the child did
 * not finish in time (it is then terminated); or the error code of a failed
 * read or wait. output may be NULL; otherwise it is zeroed first, filled
 * only on success, and freed with sc__child_output_free(). */
DWORD sc__child_finish(struct sc_child *child, DWORD timeout_ms,
                       DWORD *exit_code, struct sc_child_output *output);

void sc__child_output_free(struct sc_child_output *output);

/* Closes every handle the child still holds, after cancelling any pipe
 * operation in progress. Safe to call twice. */
void sc__child_close(struct sc_child *child);

#endif /* SC_SPAWN_H */
