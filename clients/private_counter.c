/*
 * The baseline: the counter is an ordinary global variable, so every process
 * has its own copy and two instances never see each other's changes. The
 * updates are plain ++ and assignments, as in a program that never thought
 * about sharing.
 */
#include <stdint.h>

#include "client.h"

/* Unsigned, so that ++ and += wrap at the ends of the range the way the
 * shared counters do, instead of overflowing. */
static uint64_t counter = 0;

/* The plain, unsynchronised update the shared builds exist to replace:
 * counter++ for a step of one, the plainest update there is. */
static int64_t add(int64_t delta)
{
    if (delta == 1)
        counter++;
    else
        counter += (uint64_t)delta;
    return (int64_t)counter;
}

static int run_interactive(struct sc_client *client)
{
    struct sc_command command;

    sc__client_begin(client, (int64_t)counter);
    while (sc__client_next(client, &command)) {
        int64_t returned = (int64_t)counter;
        switch (command.kind) {
        case SC_COMMAND_ADD:
            returned = add(command.number);
            break;
        case SC_COMMAND_SET:
            returned = (int64_t)counter; /* the old value, like sc_exchange */
            counter = (uint64_t)command.number;
            break;
        case SC_COMMAND_SHOW:
            break;
        }
        sc__client_reply(client, &command, returned);
    }
    return sc__client_end(client);
}

int main(int argc, char **argv)
{
    struct sc_client client = {
        .name = "private_counter",
        .counter = "a private global variable: every process has its own"};
    int status = sc__client_parse(&client, argc, argv);

    if (status != SC_CLIENT_RUN)
        return status;
    switch (client.mode) {
    case SC_MODE_VERSION:
        return sc__client_version(&client, NULL, 0);
    case SC_MODE_BATCH:
        for (int64_t i = 0; i < client.times; i++)
            add(client.delta);
        return sc__client_result(&client, (int64_t)counter);
    case SC_MODE_INTERACTIVE:
        break;
    }
    return run_interactive(&client);
}
