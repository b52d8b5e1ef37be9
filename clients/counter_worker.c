/*
 * A non-interactive client of sharedcounter.dll, for scripts, the launcher
 * and the tests: "--times N --delta D" calls sc_add(D) N times, then prints
 * the last value the DLL returned. With "--name NAME" it does the same to
 * the named counter NAME: sc_counter_open(NAME), then sc_counter_add().
 */
#include "client.h"
#include "sharedcounter.h"

static int add_to_named(struct sc_client *client)
{
    int32_t id = sc_counter_open(client->counter_name);

    if (id < 0) {
        sc__error(client->name,
                  "cannot open the counter \"%s\": not a valid name, or the "
                  "table is full",
                  client->counter_name);
        return SC_EXIT_FAILURE;
    }
    int64_t last = sc_counter_get(id);
    for (int64_t i = 0; i < client->times; i++)
        last = sc_counter_add(id, client->delta);
    return sc__client_result(client, last);
}

int main(int argc, char **argv)
{
    struct sc_client client = {.name = "counter_worker",
                               .counter = SC_DLL_COUNTER_TEXT,
                               .batch_only = 1};
    int status = sc__client_parse(&client, argc, argv);

    if (status != SC_CLIENT_RUN)
        return status;
    if (client.mode == SC_MODE_VERSION)
        return sc__client_version(&client, (const void *)sc_get, sc_version());
    if (client.counter_name != NULL)
        return add_to_named(&client);
    /* With --times 0 the value before is the last one seen. */
    int64_t last = sc_get();
    for (int64_t i = 0; i < client.times; i++)
        last = sc_add(client.delta);
    return sc__client_result(&client, last);
}
