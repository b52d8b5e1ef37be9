/*
 * An interactive client of sharedcounter.dll (libsharedcounter.so on
 * Linux), linked against it: the loader has bound the library before
 * main() runs, and every command is one call of the API, named below. The
 * runner (runner.h) reads the commands, makes the calls and prints what
 * they return.
 */
#include "runner.h"
#include "sharedcounter.h"

int main(int argc, char **argv)
{
    struct sc_client client = {.name = "counter_client",
                               .counter = SC_DLL_COUNTER_TEXT};
    const struct sc_counter_calls calls = {
        .get = sc_get,           /* "=": the value */
        .add = sc_add,           /* ENTER, N, +N, -N: the new value */
        .exchange = sc_exchange, /* "=N": the old value */
        .version = sc_version,   /* --version */
    };

    return sc__client_main(&client, &calls, argc, argv);
}
