/*
 * Storage for sharedcounter_hardened.dll: the counter and the process table in
 * a named file mapping in the session namespace that only the current user
 * can open, instead of a shared section that every process of every user can
 * write.
 *
 * The mapping is opened in DllMain, so that sc__mapped_storage is valid
 * before any API call and the hot path stays one Interlocked operation. Under
 * the loader lock this code only calls kernel32/advapi32 functions that neither
 * load a module nor wait for another thread (docs/security.md lists them).
 */
#include "counter_storage.h"
#include "mapping_name.h"
#include "mapping_security.h"

struct sc_shared_storage *sc__mapped_storage = NULL;

/* Held open for as long as the DLL is loaded: the object manager removes a
 * name when the last handle to it closes, even while views of the mapping
 * remain, and the next process would then create a fresh counter. */
static HANDLE counter_mapping;

/* 32767 characters is the longest path Windows can hand back. */
enum { PATH_CHARS = 32768 };

static DWORD name_for_module(HMODULE module, PSID user,
                             WCHAR name[SC_MAPPING_NAME_SIZE])
{
    WCHAR *path = HeapAlloc(GetProcessHeap(), 0, PATH_CHARS * sizeof *path);
    if (path == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    DWORD len = GetModuleFileNameW(module, path, PATH_CHARS);
    DWORD err = (len == 0 || len >= PATH_CHARS) ? ERROR_BAD_PATHNAME : 0;
    if (err == 0)
        err = sc__mapping_name(path, user, name);
    HeapFree(GetProcessHeap(), 0, path);
    return err;
}

/* CreateFileMappingW creates the name or opens it in one atomic step, so two
 * processes starting together cannot both create it. If it already existed,
 * our descriptor was not applied: the object is trusted only if it carries
 * one like it, which nobody but this user (or an administrator) can make. */
static DWORD open_mapping(HANDLE *mapping, const WCHAR *name, PSID user)
{
    struct sc_owner_only_sd sd;
    DWORD err = sc__owner_only_sd(&sd, user);

    if (err != 0)
        return err;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &sd.sd, FALSE};
    *mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0,
                                  sizeof(struct sc_shared_storage), name);
    if (*mapping == NULL)
        return GetLastError();
    err = sc__check_owner_only(*mapping, user);
    if (err != 0)
        CloseHandle(*mapping);
    return err;
}

static DWORD map_counter(HMODULE module)
{
    union sc_user_sid user;
    WCHAR name[SC_MAPPING_NAME_SIZE];
    HANDLE mapping;
    DWORD err = sc__current_user(&user);

    if (err == 0)
        err = name_for_module(module, sc__user_sid(&user), name);
    if (err == 0)
        err = open_mapping(&mapping, name, sc__user_sid(&user));
    if (err != 0)
        return err;
    /* A new page-file mapping is zero-filled: the counter starts at 0 and
     * every slot of the table is free. */
    struct sc_shared_storage *view =
        MapViewOfFile(mapping, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0,
                      sizeof(struct sc_shared_storage));
    if (view == NULL) {
        err = GetLastError();
        CloseHandle(mapping);
        return err;
    }
    counter_mapping = mapping;
    sc__mapped_storage = view;
    return 0;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        DWORD err = map_counter(instance);
        if (err == 0) {
            sc__processes_attach();
            return TRUE;
        }
        /* LoadLibrary reports ERROR_DLL_INIT_FAILED whatever the cause, so
         * a debugger (or DebugView) is told which one it was. */
        OutputDebugStringW(
            err == ERROR_INVALID_OWNER || err == ERROR_INVALID_SECURITY_DESCR
                ? L"sharedcounter_hardened: the counter's name is held by an "
                  L"object that is not this user's alone; refusing to load\n"
                : L"sharedcounter_hardened: cannot open the counter mapping\n");
        return FALSE;
    }
    /* A failed attach also arrives here, with nothing to give back. */
    if (reason != DLL_PROCESS_DETACH || sc__mapped_storage == NULL)
        return TRUE;
    sc__processes_detach();
    /* On FreeLibrary (reserved == NULL) give the view and handle back; at
     * process exit the system tears everything down. */
    if (reserved == NULL) {
        UnmapViewOfFile(sc__mapped_storage);
        CloseHandle(counter_mapping);
    }
    return TRUE;
}
