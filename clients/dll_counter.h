/* The counter of sharedcounter.dll, reached through its import library. */
#ifndef SC_DLL_COUNTER_H
#define SC_DLL_COUNTER_H

#include "client.h"

#define SC_DLL_COUNTER_TEXT                                                    \
    "the counter in sharedcounter.dll, shared by every process that\n"         \
    "loads that DLL file"

/* An sc_client connect function; cannot fail, since the loader has already
 * bound the DLL when the program starts. */
int sc__connect_dll_counter(struct sc_counter_ops *ops);

#endif /* SC_DLL_COUNTER_H */
