/* sectiondump.exe on file names outside any ANSI code page (accented,
 * Cyrillic, CJK, emoji) and on a path longer than MAX_PATH, given
 * absolute and relative, and run from such a folder. The test copies
 * itself there as the file to inspect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include <cmocka.h>

/* The longest path Windows handles, with \\?\. */
enum { PATH_CHARS = 32768 };

/* A folder name with characters from several scripts and an emoji. */
static const wchar_t odd_name[] = L"sd-\u00e9t\u00e9-\u0444\u0430\u0439\u043b-"
                                  L"\u4e2d\u6587-\U0001F600";

static wchar_t *program_dir(void)
{
    static wchar_t dir[PATH_CHARS];
    DWORD n = GetModuleFileNameW(NULL, dir, PATH_CHARS);
    assert_true(n > 0 && n < PATH_CHARS);
    *wcsrchr(dir, L'\\') = L'\0';
    return dir;
}

static char *utf8(const wchar_t *text)
{
    static char buf[4 * PATH_CHARS];
    assert_true(WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, sizeof buf, NULL,
                                    NULL) > 0);
    return buf;
}

/* \\?\ lifts MAX_PATH for the test's own file operations. */
static const wchar_t *extended(const wchar_t *path)
{
    static wchar_t buf[PATH_CHARS];
    swprintf(buf, PATH_CHARS, L"\\\\?\\%ls", path);
    return buf;
}

/* Runs command_line in dir with stdout and stderr in a file; returns the
 * exit code and the output in a static buffer. */
static DWORD run(wchar_t *command_line, const wchar_t *dir, char **output)
{
    static char text[1 << 20];
    wchar_t out_path[MAX_PATH];
    GetTempPathW(MAX_PATH, out_path);
    wcscat(out_path, L"sd-paths-output.txt");
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    HANDLE out = CreateFileW(out_path, GENERIC_READ | GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                             CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY, NULL);
    assert_true(out != INVALID_HANDLE_VALUE);
    STARTUPINFOW si = {.cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES};
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = si.hStdError = out;
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, command_line, NULL, NULL, TRUE, 0, NULL, dir, &si,
                        &pi))
        fail_msg("cannot run %s (error %lu)", utf8(command_line),
                 GetLastError());
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    DWORD got = 0;
    SetFilePointer(out, 0, NULL, FILE_BEGIN);
    ReadFile(out, text, sizeof text - 1, &got, NULL);
    text[got] = '\0';
    CloseHandle(out);
    DeleteFileW(out_path);
    *output = text;
    return code;
}

static void expect_report(wchar_t *command_line, const wchar_t *dir,
                          const wchar_t *shown_path)
{
    char *output;
    DWORD code = run(command_line, dir, &output);
    char heading[4 * PATH_CHARS];
    snprintf(heading, sizeof heading, "Dump of file %s\r\n", utf8(shown_path));
    if (code != 0 || strstr(output, heading) == NULL ||
        strstr(output, "PE signature found") == NULL)
        fail_msg("exit %lu, want 0 and '%s' in:\n%.400s", code, heading,
                 output);
}

struct place {
    wchar_t base[PATH_CHARS]; /* %TEMP%\odd_name */
    wchar_t deep[PATH_CHARS]; /* base\odd_name\odd_name...: past MAX_PATH */
    wchar_t file[PATH_CHARS]; /* deep\odd_name.exe */
};

static struct place place;

static int make_place(void **state)
{
    (void)state;
    GetTempPathW(MAX_PATH, place.base);
    wcscat(place.base, odd_name);
    CreateDirectoryW(extended(place.base), NULL);
    wcscpy(place.deep, place.base);
    while (wcslen(place.deep) < MAX_PATH + 40) {
        wcscat(place.deep, L"\\");
        wcscat(place.deep, odd_name);
        if (!CreateDirectoryW(extended(place.deep), NULL) &&
            GetLastError() != ERROR_ALREADY_EXISTS)
            fail_msg("cannot create %s", utf8(place.deep));
    }
    swprintf(place.file, PATH_CHARS, L"%ls\\%ls.exe", place.deep, odd_name);
    wchar_t self[PATH_CHARS];
    GetModuleFileNameW(NULL, self, PATH_CHARS);
    assert_true(CopyFileW(self, extended(place.file), FALSE));
    return 0;
}

static int remove_place(void **state)
{
    (void)state;
    DeleteFileW(extended(place.file));
    wchar_t dir[PATH_CHARS];
    wcscpy(dir, place.deep);
    while (wcslen(dir) > wcslen(place.base)) {
        RemoveDirectoryW(extended(dir));
        *wcsrchr(dir, L'\\') = L'\0';
    }
    wchar_t tool[PATH_CHARS];
    swprintf(tool, PATH_CHARS, L"%ls\\%ls", place.base, SD_TOOL_NAME);
    DeleteFileW(tool);
    swprintf(tool, PATH_CHARS, L"%ls\\%ls.exe", place.base, odd_name);
    DeleteFileW(tool);
    RemoveDirectoryW(place.base);
    return 0;
}

/* An absolute path of more than MAX_PATH characters, none of them ANSI. */
static void long_unicode_path(void **state)
{
    (void)state;
    assert_true(wcslen(place.file) > MAX_PATH);
    static wchar_t command_line[PATH_CHARS];
    swprintf(command_line, PATH_CHARS, L"\"%ls\\%ls\" \"%ls\"", program_dir(),
             SD_TOOL_NAME, place.file);
    expect_report(command_line, NULL, place.file);
}

/* The program itself in such a folder, run from it on a relative name. */
static void run_from_unicode_folder(void **state)
{
    (void)state;
    wchar_t tool[PATH_CHARS], source[PATH_CHARS], copy[PATH_CHARS];
    swprintf(source, PATH_CHARS, L"%ls\\%ls", program_dir(), SD_TOOL_NAME);
    swprintf(tool, PATH_CHARS, L"%ls\\%ls", place.base, SD_TOOL_NAME);
    assert_true(CopyFileW(source, tool, FALSE));
    swprintf(copy, PATH_CHARS, L"%ls\\%ls.exe", place.base, odd_name);
    assert_true(CopyFileW(extended(place.file), copy, FALSE));
    static wchar_t command_line[PATH_CHARS];
    wchar_t relative[256];
    swprintf(relative, 256, L"%ls.exe", odd_name);
    swprintf(command_line, PATH_CHARS, L"\"%ls\" \"%ls\"", tool, relative);
    expect_report(command_line, place.base, relative);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_unicode_path),
        cmocka_unit_test(run_from_unicode_folder),
    };
    return cmocka_run_group_tests(tests, make_place, remove_place);
}
