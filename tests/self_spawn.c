/* Self-spawning workers and start gates; see self_spawn.h. */
#include "self_spawn.h"

#include <stdio.h>
#include <string.h>

DWORD sc__spawn_self(struct sc_child *child, const char *args, unsigned flags)
{
    char self[MAX_PATH];
    DWORD len = GetModuleFileNameA(NULL, self, sizeof self);

    if (len == 0 || len >= sizeof self)
        return ERROR_BAD_PATHNAME;
    return sc__child_start(child, self, args, flags);
}

/* WriteFile, not stdio: a worker may write binary data to stdout after it. */
DWORD sc__say_ready(void)
{
    DWORD written;
    return WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "ready\n", 6, &written,
                     NULL) &&
                   written == 6
               ? 0
               : ERROR_WRITE_FAULT;
}

DWORD sc__child_wait_ready(struct sc_child *child)
{
    char line[16];
    DWORD err = sc__child_read_line(child, line, sizeof line);

    if (err == 0 && strcmp(line, "ready") != 0)
        err = ERROR_INVALID_DATA;
    return err;
}

DWORD sc__gate_create(struct sc_start_gate *gate, const char *tag)
{
    snprintf(gate->name, sizeof gate->name, "Local\\sc-gate-%lu-%s",
             (unsigned long)GetCurrentProcessId(), tag);
    gate->event = CreateEventA(NULL, TRUE, FALSE, gate->name);
    return gate->event != NULL ? 0 : GetLastError();
}

DWORD sc__gate_wait(const char *name)
{
    HANDLE event = OpenEventA(SYNCHRONIZE, FALSE, name);

    if (event == NULL)
        return GetLastError();
    DWORD waited = WaitForSingleObject(event, INFINITE);
    CloseHandle(event);
    return waited == WAIT_OBJECT_0 ? 0 : GetLastError();
}
