/* Named objects and run-time loaded DLLs of one benchmark run; see targets.h.
 */
#include "targets.h"

#include <stdio.h>
#include <string.h>

#include "find_function.h"
#include "handle.h"
#include "spawn.h"

#define HARDENED_DLL "sharedcounter_hardened.dll"

static sc_bench_counter_fn find_counter_fn(HMODULE dll, const char *name)
{
    return (sc_bench_counter_fn)sc__find_function(dll, name);
}

static void free_library(HMODULE *dll)
{
    if (*dll != NULL)
        FreeLibrary(*dll);
    *dll = NULL;
}

/* The launcher's process id makes the names unique to one run, so that two
 * runs at the same time never share a counter. */
static void object_name(char *buf, size_t size, const char *what, DWORD pid)
{
    snprintf(buf, size, "Local\\sc_bench_%lu_%s", (unsigned long)pid, what);
}

static DWORD fail(struct sc_bench_targets *t, const char *step)
{
    DWORD err = GetLastError();

    t->failed_step = step;
    return err != 0 ? err : ERROR_GEN_FAILURE;
}

static DWORD open_named_objects(struct sc_bench_targets *t, DWORD pid)
{
    char name[64];

    object_name(name, sizeof name, "start", pid);
    t->start = CreateEventA(NULL, TRUE, FALSE, name);
    if (t->start == NULL)
        return fail(t, "CreateEvent");
    object_name(name, sizeof name, "mutex", pid);
    t->mutex = CreateMutexA(NULL, FALSE, name);
    if (t->mutex == NULL)
        return fail(t, "CreateMutex");
    object_name(name, sizeof name, "mapping", pid);
    t->mapping = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
                                    0, sizeof *t->slots, name);
    if (t->mapping == NULL)
        return fail(t, "CreateFileMapping");
    t->slots =
        MapViewOfFile(t->mapping, FILE_MAP_ALL_ACCESS, 0, 0, sizeof *t->slots);
    if (t->slots == NULL)
        return fail(t, "MapViewOfFile");
    return 0;
}

/* By full path, as a careful client loads it: the folder of this program is
 * where the import library's copy was found too, so both are one module. */
static DWORD load_sharedcounter(struct sc_bench_targets *t, const char *dir)
{
    char path[MAX_PATH];

    snprintf(path, sizeof path, "%ssharedcounter.dll", dir);
    t->loaded = LoadLibraryA(path);
    if (t->loaded == NULL)
        return fail(t, "LoadLibrary(sharedcounter.dll)");
    t->loaded_increment = find_counter_fn(t->loaded, "sc_increment");
    if (t->loaded_increment == NULL)
        return fail(t, "GetProcAddress(sc_increment)");
    return 0;
}

static void load_hardened(struct sc_bench_targets *t, const char *dir)
{
    char path[MAX_PATH];

    snprintf(path, sizeof path, "%s" HARDENED_DLL, dir);
    if (GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES) {
        snprintf(t->hardened_note, sizeof t->hardened_note,
                 HARDENED_DLL " is not next to this program");
        return;
    }
    t->hardened = LoadLibraryA(path);
    if (t->hardened == NULL) {
        snprintf(t->hardened_note, sizeof t->hardened_note,
                 HARDENED_DLL " did not load: error %lu",
                 (unsigned long)GetLastError());
        return;
    }
    t->hardened_increment = find_counter_fn(t->hardened, "sc_increment");
    t->hardened_get = find_counter_fn(t->hardened, "sc_get");
    if (t->hardened_increment == NULL || t->hardened_get == NULL) {
        snprintf(t->hardened_note, sizeof t->hardened_note,
                 HARDENED_DLL " lacks sc_increment or sc_get");
        free_library(&t->hardened);
    }
}

DWORD sc__bench_targets_open(struct sc_bench_targets *t, DWORD launcher_pid)
{
    char dir[MAX_PATH];

    memset(t, 0, sizeof *t);
    DWORD err = open_named_objects(t, launcher_pid);
    if (err == 0 && sc__program_dir(dir, sizeof dir) != 0) {
        t->failed_step = "GetModuleFileName";
        err = ERROR_INSUFFICIENT_BUFFER;
    }
    if (err == 0)
        err = load_sharedcounter(t, dir);
    if (err == 0)
        load_hardened(t, dir);
    return err;
}

void sc__bench_targets_close(struct sc_bench_targets *t)
{
    if (t->slots != NULL)
        UnmapViewOfFile(t->slots);
    t->slots = NULL;
    sc__close_handle(&t->mapping);
    sc__close_handle(&t->mutex);
    sc__close_handle(&t->start);
    free_library(&t->hardened);
    free_library(&t->loaded);
}
