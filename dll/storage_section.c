/* sharedcounter.dll keeps the counter and the process table in its own
 * shared section. */
#include "counter_storage.h"

/* Only the value lives in .shared, never a pointer: the DLL may sit at
 * another address in each process, and the code reaches the variable
 * relative to itself wherever it is. */
SC_SHARED_BEGIN
SC_SHARED struct sc_shared_storage sc__section_storage = {0};
SC_SHARED_END

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
