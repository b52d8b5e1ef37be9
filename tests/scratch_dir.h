/*
 * Scratch folders for tests: a new, empty folder under %TEMP%, removed with
 * the files in it when the test is done.
 */
#ifndef SC_SCRATCH_DIR_H
#define SC_SCRATCH_DIR_H

#include <stddef.h>

#include <windows.h>

/* Makes a new, empty folder under %TEMP% ("sc-test-<pid>-<n>") and writes
 * its path, with a trailing backslash, into buf. Returns 0 or a Win32 error
 * code. */
DWORD sc__temp_dir_create(char *buf, size_t size);

/* Deletes the files in the folder made by sc__temp_dir_create(), then the
 * folder. Returns 0, or the Win32 error code of the first thing that could
 * not be removed (it goes on with the rest). */
DWORD sc__temp_dir_remove(const char *dir);

/* As a cmocka setup and teardown: *state is a new folder's path (a char
 * array of MAX_PATH), removed with its files even when the test fails. */
int sc__temp_dir_setup(void **state);
int sc__temp_dir_teardown(void **state);

#endif /* SC_SCRATCH_DIR_H */
