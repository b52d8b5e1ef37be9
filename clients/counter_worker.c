/*
 * A non-interactive client of sharedcounter.dll (libsharedcounter.so on
 * Linux), for scripts, the launcher and the tests: "--times N --delta D"
 * calls sc_add(D) N times, then prints the last value it returned.
 */
#include "client.h"
#include "sharedcounter.h"

int main(int argc, char **argv)
{
    struct sc_client client = {.name = "counter_worker",
                               .counter = SC_DLL_COUNTER_TEXT,
                               .batch_only = 1};
    const struct sc_counter_calls calls = {
        .get = sc_get, /* the value before, for --times 0 */
        .add = sc_add, /* each time: the new value */
        .exchange = sc_exchange,
        .version = sc_version, /* --version */
    };

    return sc__client_main(&client, &calls, argc, argv);
}
