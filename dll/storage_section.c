/* sharedcounter.dll keeps the counter and the process table in its own
 * shared section. */
#include "counter_storage.h"
#include "shared_section.h"

SC_SHARED_BEGIN
static SC_SHARED struct sc_shared_storage shared = {0};
SC_SHARED_END

/* The pointers themselves stay in the private .data section: the loader
 * relocates them in each process, wherever the DLL happens to be mapped. */
volatile LONG64 *sc__counter = &shared.counter;
struct sc_process_table *sc__process_table = &shared.processes;

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        sc__processes_attach();
    else if (reason == DLL_PROCESS_DETACH)
        sc__processes_detach();
    return TRUE;
}
