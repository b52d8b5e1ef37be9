/*
 * Reading a loaded module's PE headers in memory: the loader has already
 * checked and laid them out, so relative addresses are plain offsets from
 * the module handle and no file parsing is needed.
 */
#ifndef SC_LOADED_IMAGE_H
#define SC_LOADED_IMAGE_H

#include <windows.h>

/* Names the module exports, in the export table's (sorted) order. */
DWORD sc__export_count(HMODULE module);
const char *sc__export_name(HMODULE module, DWORD index);

/* Functions the module exports, with or without a name (filled slots of
 * the export address table). */
DWORD sc__export_function_count(HMODULE module);

/* DLLs the module imports from, in import-table order. */
DWORD sc__import_count(HMODULE module);
const char *sc__import_name(HMODULE module, DWORD index);

/* Whether any section is named ".shared" or marked IMAGE_SCN_MEM_SHARED. */
BOOL sc__has_shared_section(HMODULE module);

#endif /* SC_LOADED_IMAGE_H */
