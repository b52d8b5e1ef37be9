/* An interactive client of sharedcounter.dll, through its import library. */
#include "client.h"
#include "dll_counter.h"

int main(int argc, char **argv)
{
    static const struct sc_client client = {
        "counter_client", SC_DLL_COUNTER_TEXT, 0, sc__connect_dll_counter};
    return sc__client_main(&client, argc, argv);
}
