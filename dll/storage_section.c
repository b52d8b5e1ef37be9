/* sharedcounter.dll keeps the counter in its own shared section. */
#include "counter_storage.h"
#include "shared_section.h"

SC_SHARED_BEGIN
static SC_SHARED _Alignas(8) volatile LONG64 shared_value = 0;
SC_SHARED_END

/* The pointer itself stays in the private .data section: the loader relocates
 * it in each process, wherever the DLL happens to be mapped there. */
volatile LONG64 *sc__counter = &shared_value;
