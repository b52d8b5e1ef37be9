/*
 * A non-interactive client of sharedcounter.dll (libsharedcounter.so on
 * Linux), for scripts, the launcher and the tests: "--times N --delta D"
 * calls sc_add(D) N times, then prints the last value it returned. With
 * "--name NAME" it does the same to the named counter NAME: it opens it
 * with sc_counter_open(NAME), then calls sc_counter_add() on its id.
 */
#include "runner.h"
#include "sharedcounter.h"

/* The named counter of --name: its id, and the calls the runner makes. */
static int32_t named;

static int64_t named_get(void)
{
    return sc_counter_get(named);
}

static int64_t named_add(int64_t delta)
{
    return sc_counter_add(named, delta);
}

static int64_t named_exchange(int64_t value)
{
    return sc_counter_exchange(named, value);
}

int main(int argc, char **argv)
{
    struct sc_client client = {.name = "counter_worker",
                               .counter = SC_DLL_COUNTER_TEXT,
                               .batch_only = 1};
    struct sc_counter_calls calls = {
        .get = sc_get, /* the value before, for --times 0 */
        .add = sc_add, /* each time: the new value */
        .exchange = sc_exchange,
        .version = sc_version, /* --version */
    };
    int status = sc__client_parse(&client, argc, argv);

    if (status != SC_CLIENT_RUN)
        return status;
    if (client.counter_name != NULL && client.mode == SC_MODE_BATCH) {
        named = sc_counter_open(client.counter_name);
        if (named < 0) {
            sc__error(client.name,
                      "cannot open the counter \"%s\": not a valid name, or "
                      "the table is full",
                      client.counter_name);
            return SC_EXIT_FAILURE;
        }
        calls = (struct sc_counter_calls){named_get, named_add, named_exchange,
                                          sc_version};
    }
    return sc__client_run(&client, &calls);
}
