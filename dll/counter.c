/*
 * The library's exported functions and the shared storage they work on:
 * the counter operations, each one atomic operation; sc_processes(), which
 * reads the table of the processes that have the image loaded; and the
 * image's load and unload hooks, which enter this process into that table
 * and take it out again.
 */
#include <stddef.h>

#if !defined(_WIN32)
#include <pthread.h>
#endif

#include "sharedcounter.h"

#include "counter_storage.h"

#if !defined(SC_STORAGE_MAPPING)
/* The section builds keep the counter and the process table in the image's
 * own shared section: ".shared" on Windows (shared_section.h). Only values
 * live there, never a pointer: the image may sit at another address in each
 * process, and the code reaches the variable relative to itself wherever it
 * is. */
SC_SHARED_BEGIN
SC_SHARED struct sc_shared_storage sc__section_storage = {0};
SC_SHARED_END
#endif

/* ---- The counter ------------------------------------------------------- */

/* The test-only sharedcounter_racy.dll (SC_RACY) takes the operations from
 * racy/counter_racy.c, which does without atomics, and all the rest from
 * here. */
#if !defined(SC_RACY)

/* In the section builds a constant address relative to the code, so that
 * each operation below is one locked instruction on it (counter_storage.h). */
static sc__atomic64 *counter(void)
{
    return &sc__storage()->counter;
}

/* Overflow is defined: the sum is formed in unsigned arithmetic, which wraps,
 * and the hardware's locked add wraps in the same way. */
static int64_t wrapping_sum(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* A load that writes nothing: readers polling the counter leave its cache
 * line shared instead of taking it from the writers in turn. */
int64_t sc_get(void)
{
    return sc__load_acquire64(counter());
}

/* The exported functions call this, not each other: on ELF a call to an
 * exported function goes through the PLT, since another image could
 * interpose it. */
static int64_t add_and_get(int64_t delta)
{
    return wrapping_sum(sc__fetch_add64(counter(), delta), delta);
}

int64_t sc_increment(void)
{
    return add_and_get(1);
}

int64_t sc_decrement(void)
{
    return add_and_get(-1);
}

int64_t sc_add(int64_t delta)
{
    return add_and_get(delta);
}

int64_t sc_exchange(int64_t value)
{
    return sc__exchange64(counter(), value);
}

int64_t sc_compare_exchange(int64_t expected, int64_t desired)
{
    return sc__compare_exchange64(counter(), expected, desired);
}

#endif /* SC_RACY */

uint32_t sc_version(void)
{
    return SC_VERSION_HEX;
}

/* ---- The process table ------------------------------------------------- */

/* This process's entry in the table (process_table.h). */
static struct sc_table_member self = {{0, 0}, -1};

static struct sc_process_table *table(void)
{
    return &sc__storage()->processes;
}

uint32_t sc_processes(uint32_t *pids, uint32_t capacity)
{
    return sc__table_list(table(), &self, pids, pids != NULL ? capacity : 0);
}

/* Once the storage is in place. GetProcessTimes on the current process
 * touches no other module and takes no lock: safe under the loader lock.
 * Should it fail all the same, the process is counted in the overflow rather
 * than refused the DLL. */
static void processes_attach(void)
{
    if (sc__process_self(&self.id) == 0)
        sc__table_join(table(), &self);
    else
        sc__fetch_add32(&table()->overflow, 1);
}

/* At process exit as on FreeLibrary: the storage is still mapped. */
static void processes_detach(void)
{
    sc__table_leave(table(), &self);
}

/* ---- Loading and unloading --------------------------------------------- */

#if defined(SC_STORAGE_MAPPING)

/* sharedcounter_hardened.dll maps its storage (mapping_win32.c) before the
 * process enters the table, and before any call can use it. */
BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        if (!sc__mapping_open(instance))
            return FALSE;
        processes_attach();
        return TRUE;
    }
    /* A failed attach also arrives here, with nothing to give back. */
    if (reason != DLL_PROCESS_DETACH || sc__mapped_storage == NULL)
        return TRUE;
    processes_detach();
    /* On FreeLibrary (reserved == NULL) give the view and handle back; at
     * process exit the system tears everything down. */
    if (reserved == NULL)
        sc__mapping_close();
    return TRUE;
}

#elif defined(_WIN32)

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        processes_attach();
    else if (reason == DLL_PROCESS_DETACH)
        processes_detach();
    return TRUE;
}

#else

/* After the constructor of shared_section_posix.c, which has priority 101
 * and so has laid the shared-memory object over the section already. A fork
 * child is a process of its own in the table; the parent keeps its slot.
 * This fork handler runs after the section's, registered first. */
__attribute__((constructor)) static void load(void)
{
    processes_attach();
    pthread_atfork(NULL, NULL, processes_attach);
}

__attribute__((destructor)) static void unload(void)
{
    processes_detach();
}

#endif
