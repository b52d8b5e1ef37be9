/* The counter of sharedcounter.dll; see dll_counter.h. */
#include "dll_counter.h"

#include "sharedcounter.h"

int sc__connect_dll_counter(struct sc_counter_ops *ops)
{
    ops->add = sc_add;
    ops->get = sc_get;
    return 0;
}
