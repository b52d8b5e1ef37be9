/* PE headers of loaded modules; see loaded_image.h. */
#include "loaded_image.h"

#include <string.h>

static const IMAGE_NT_HEADERS *nt_headers(HMODULE module)
{
    const BYTE *base = (const BYTE *)module;
    return (
        const IMAGE_NT_HEADERS *)(base +
                                  ((const IMAGE_DOS_HEADER *)base)->e_lfanew);
}

/* The data directory entry, or NULL if the module has none. */
static const void *directory(HMODULE module, int entry)
{
    const IMAGE_DATA_DIRECTORY *dir =
        &nt_headers(module)->OptionalHeader.DataDirectory[entry];
    return dir->VirtualAddress == 0 || dir->Size == 0
               ? NULL
               : (const BYTE *)module + dir->VirtualAddress;
}

static const IMAGE_EXPORT_DIRECTORY *exports(HMODULE module)
{
    return directory(module, IMAGE_DIRECTORY_ENTRY_EXPORT);
}

DWORD sc__export_count(HMODULE module)
{
    return exports(module) ? exports(module)->NumberOfNames : 0;
}

/* lld numbers ordinals from 0 and leaves slot 0 empty: only filled slots
 * are exports. */
DWORD sc__export_function_count(HMODULE module)
{
    const IMAGE_EXPORT_DIRECTORY *dir = exports(module);
    DWORD n = 0;

    if (dir == NULL)
        return 0;
    const DWORD *functions =
        (const DWORD *)((const BYTE *)module + dir->AddressOfFunctions);
    for (DWORD i = 0; i < dir->NumberOfFunctions; i++)
        n += functions[i] != 0;
    return n;
}

const char *sc__export_name(HMODULE module, DWORD index)
{
    const DWORD *names =
        (const DWORD *)((const BYTE *)module + exports(module)->AddressOfNames);
    return (const char *)module + names[index];
}

static const IMAGE_IMPORT_DESCRIPTOR *imports(HMODULE module)
{
    return directory(module, IMAGE_DIRECTORY_ENTRY_IMPORT);
}

/* The table ends with an all-zero descriptor. */
DWORD sc__import_count(HMODULE module)
{
    const IMAGE_IMPORT_DESCRIPTOR *d = imports(module);
    DWORD n = 0;

    while (d != NULL && d[n].Name != 0)
        n++;
    return n;
}

const char *sc__import_name(HMODULE module, DWORD index)
{
    return (const char *)module + imports(module)[index].Name;
}

BOOL sc__has_shared_section(HMODULE module)
{
    const IMAGE_NT_HEADERS *nt = nt_headers(module);
    const IMAGE_SECTION_HEADER *s = IMAGE_FIRST_SECTION(nt);

    for (WORD i = 0; i < nt->FileHeader.NumberOfSections; i++) {
        if (strncmp((const char *)s[i].Name, ".shared",
                    IMAGE_SIZEOF_SHORT_NAME) == 0 ||
            (s[i].Characteristics & IMAGE_SCN_MEM_SHARED))
            return TRUE;
    }
    return FALSE;
}
