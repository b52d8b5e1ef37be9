/*
 * An interactive client of sharedcounter.dll, linked against its import
 * library: the loader has bound the DLL before main() runs, and every
 * command below is one call of the API. The runner (client.h) reads the
 * commands and prints what the calls return.
 */
#include "client.h"
#include "sharedcounter.h"

static int run_batch(struct sc_client *client)
{
    int64_t last = sc_get();

    for (int64_t i = 0; i < client->times; i++)
        last = sc_add(client->delta);
    return sc__client_result(client, last);
}

static int run_interactive(struct sc_client *client)
{
    struct sc_command command;

    sc__client_begin(client, sc_get());
    while (sc__client_next(client, &command)) {
        int64_t returned = 0;
        switch (command.kind) {
        case SC_COMMAND_ADD:
            returned = sc_add(command.number); /* the new value */
            break;
        case SC_COMMAND_SET:
            returned = sc_exchange(command.number); /* the old value */
            break;
        case SC_COMMAND_SHOW:
            returned = sc_get();
            break;
        }
        sc__client_reply(client, &command, returned);
    }
    return sc__client_end(client);
}

int main(int argc, char **argv)
{
    struct sc_client client = {.name = "counter_client",
                               .counter = SC_DLL_COUNTER_TEXT};
    int status = sc__client_parse(&client, argc, argv);

    if (status != SC_CLIENT_RUN)
        return status;
    switch (client.mode) {
    case SC_MODE_VERSION:
        return sc__client_version(&client, (const void *)sc_get, sc_version());
    case SC_MODE_BATCH:
        return run_batch(&client);
    case SC_MODE_INTERACTIVE:
        break;
    }
    return run_interactive(&client);
}
