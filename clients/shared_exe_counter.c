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
#include "client.h"
#include "shared_section.h"
#include "wrapping.h"

SC_SHARED_BEGIN
SC_SHARED static _Alignas(8) sc__atomic64 counter = 0;
SC_SHARED_END

/* Returns the new value, as sc_add does. The locked add wraps in two's
 * complement; so does the sum formed here from the old value. */
static int64_t add(int64_t delta)
{
    return sc__wrapping_add(sc__fetch_add64(&counter, delta), delta);
}

static int64_t get(void)
{
    return sc__load_acquire64(&counter);
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
            returned = sc__exchange64(&counter, command.number);
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
        .counter = "a variable in this program's own shared section: shared\n"
                   "by every process started from this program file"};
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
