/*
 * The counter in this program's own shared section, no library involved:
 * every process started from the same program file sees the same variable.
 * On Windows that is the EXE's ".shared" section; on Linux the section
 * sc_shared, which dll/shared_section_posix.c shares when the program
 * starts (docs/linux.md). Other processes update it at the same moment, so
 * every access is one atomic operation (atomics.h: Interlocked* on
 * Windows), exactly as in the library.
 */
#include <stdint.h>

#include "atomics.h"
#include "runner.h"
#include "shared_section.h"
#include "wrapping.h"

SC_SHARED_BEGIN
SC_SHARED static _Alignas(8) sc__atomic64 counter = 0;
SC_SHARED_END

static int64_t get(void)
{
    return sc__load_acquire64(&counter);
}

/* Returns the new value, as sc_add does. The locked add wraps in two's
 * complement; so does the sum formed here from the old value. */
static int64_t add(int64_t delta)
{
    return sc__wrapping_add(sc__fetch_add64(&counter, delta), delta);
}

/* Returns the old value, as sc_exchange does. */
static int64_t exchange(int64_t value)
{
    return sc__exchange64(&counter, value);
}

int main(int argc, char **argv)
{
    struct sc_client client = {
        .name = "shared_exe_counter",
        .counter = "a variable in this program's own shared section: shared\n"
                   "by every process started from this program file"};
    const struct sc_counter_calls calls = {get, add, exchange, NULL};

    return sc__client_main(&client, &calls, argc, argv);
}
