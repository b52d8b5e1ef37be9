/*
 * The counter in this EXE's own ".shared" section, no DLL involved: every
 * process started from the same EXE file sees the same variable. Other
 * processes update it at the same moment, so every access is one atomic
 * Interlocked operation, exactly as in the DLL.
 */
#include <stdint.h>

#include <windows.h>

#include "client.h"
#include "shared_section.h"

SC_SHARED_BEGIN
SC_SHARED static _Alignas(8) volatile LONG64 counter = 0;
SC_SHARED_END

/* Returns the new value, as sc_add does. The locked add wraps in two's
 * complement; so does the sum formed here from the old value. */
static int64_t add(int64_t delta)
{
    return sc__wrapping_add(InterlockedExchangeAdd64(&counter, delta), delta);
}

static int64_t get(void)
{
    return InterlockedCompareExchange64(&counter, 0, 0);
}

static int run_interactive(struct sc_client *client)
{
    struct sc_command command;

    sc__client_begin(client, get());
    while (sc__client_next(client, &command)) {
        int64_t returned = 0;
        switch (command.kind) {
        case SC_COMMAND_ADD:
            returned = add(command.number);
            break;
        case SC_COMMAND_SET:
            returned = InterlockedExchange64(&counter, command.number);
            break;
        case SC_COMMAND_SHOW:
            returned = get();
            break;
        }
        sc__client_reply(client, &command, returned);
    }
    return sc__client_end(client);
}

int main(int argc, char **argv)
{
    struct sc_client client = {
        .name = "shared_exe_counter",
        .counter = "a variable in this EXE's own shared section: shared by\n"
                   "every process started from this EXE file"};
    int status = sc__client_parse(&client, argc, argv);

    if (status != SC_CLIENT_RUN)
        return status;
    switch (client.mode) {
    case SC_MODE_VERSION:
        return sc__client_version(&client, NULL, 0);
    case SC_MODE_BATCH: {
        int64_t last = get();
        for (int64_t i = 0; i < client.times; i++)
            last = add(client.delta);
        return sc__client_result(&client, last);
    }
    case SC_MODE_INTERACTIVE:
        break;
    }
    return run_interactive(&client);
}
