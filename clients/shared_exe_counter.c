/*
 * The counter in this EXE's own ".shared" section, no DLL involved: every
 * process started from the same EXE file sees the same counter.
 */
#include <stdint.h>

#include <windows.h>

#include "client.h"
#include "shared_section.h"
#include "wrapping.h"

SC_SHARED_BEGIN
SC_SHARED static _Alignas(8) volatile LONG64 counter = 0;
SC_SHARED_END

/* Other processes update the counter at the same time: every access is one
 * Interlocked operation. */
static int64_t add(int64_t delta)
{
    return sc__wrapping_add(InterlockedExchangeAdd64(&counter, delta), delta);
}

static int64_t get(void)
{
    return InterlockedCompareExchange64(&counter, 0, 0);
}

static int connect_shared_exe(struct sc_counter_ops *ops)
{
    ops->add = add;
    ops->get = get;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct sc_client client = {
        "shared_exe_counter",
        "a variable in this EXE's own shared section: shared by every\n"
        "process started from this EXE file",
        0, connect_shared_exe};
    return sc__client_main(&client, argc, argv);
}
