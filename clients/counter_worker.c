/* A non-interactive client of sharedcounter.dll, for scripts and tests. */
#include "client.h"
#include "dll_counter.h"

int main(int argc, char **argv)
{
    static const struct sc_client client = {
        "counter_worker", SC_DLL_COUNTER_TEXT, 1, sc__connect_dll_counter};
    return sc__client_main(&client, argc, argv);
}
