/* Who a process is, for the process table: its id and its creation time. */
#include "process_table.h"

#include <windows.h>

static uint64_t filetime_value(FILETIME t)
{
    return ((uint64_t)t.dwHighDateTime << 32) | t.dwLowDateTime;
}

uint32_t sc__process_pid(void)
{
    return GetCurrentProcessId();
}

int sc__process_self(struct sc_process_id *self)
{
    FILETIME created, exited, kernel, user;

    if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel,
                         &user))
        return (int)GetLastError();
    self->pid = GetCurrentProcessId();
    self->created = filetime_value(created);
    return 0;
}

/* SYNCHRONIZE tells a process that has ended from one still running even
 * when it ended with exit code STILL_ACTIVE; where it is refused, the exit
 * code has to do. A process we may not open at all (another user's, with
 * the section build) cannot be checked and counts as running. */
enum sc_liveness sc__process_query(uint32_t pid, uint64_t *created)
{
    HANDLE process = OpenProcess(
        PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid);
    BOOL can_wait = process != NULL;

    if (process == NULL && GetLastError() == ERROR_ACCESS_DENIED)
        process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (process == NULL)
        return GetLastError() == ERROR_INVALID_PARAMETER ? SC_GONE : SC_UNKNOWN;

    FILETIME creation, exited, kernel, user;
    DWORD code;
    enum sc_liveness state = SC_UNKNOWN;
    if (can_wait ? WaitForSingleObject(process, 0) == WAIT_OBJECT_0
                 : GetExitCodeProcess(process, &code) && code != STILL_ACTIVE)
        state = SC_GONE;
    else if (GetProcessTimes(process, &creation, &exited, &kernel, &user)) {
        *created = filetime_value(creation);
        state = SC_RUNNING;
    }
    CloseHandle(process);
    return state;
}
