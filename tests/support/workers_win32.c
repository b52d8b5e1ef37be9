/* The test program or benchmark as its own worker on Windows: the job
 * that kills its children with it, the ready line, start gates; see
 * child_process.h. */
#include "child_process.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The job's only handle closes when this program ends, however it ends,
 * and the system then kills whatever child is still in it. A child that
 * starts children of its own does the same with a job nested in this
 * one. */
DWORD sc__kill_children_on_exit(void)
{
    static BOOL joined;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {0};

    if (joined)
        return 0;
    HANDLE job = CreateJobObjectA(NULL, NULL);
    if (job == NULL)
        return GetLastError();
    limits.BasicLimitInformation.LimitFlags =
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation,
                                 &limits, sizeof limits) ||
        !AssignProcessToJobObject(job, GetCurrentProcess())) {
        DWORD err = GetLastError();
        CloseHandle(job);
        return err;
    }
    joined = TRUE;
    return 0;
}

DWORD sc__child_start_in_job(struct sc_child *child, const char *program,
                             const char *args, unsigned flags)
{
    DWORD err = sc__kill_children_on_exit();

    return err != 0 ? err : sc__child_start(child, program, args, flags);
}

DWORD sc__child_start_self(struct sc_child *child, const char *args,
                           unsigned flags)
{
    char self[MAX_PATH];
    DWORD len = GetModuleFileNameA(NULL, self, sizeof self);

    if (len == 0 || len >= sizeof self)
        return ERROR_BAD_PATHNAME;
    return sc__child_start_in_job(child, self, args, flags);
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

/* A new name each time: a gate that a failed test left open must not let
 * the next test's workers start early. */
DWORD sc__gate_create(struct sc_start_gate *gate, const char *tag)
{
    static LONG serial;

    snprintf(gate->name, sizeof gate->name, "Local\\sc-gate-%lu-%ld-%s",
             (unsigned long)GetCurrentProcessId(),
             InterlockedIncrement(&serial), tag);
    gate->event = CreateEventA(NULL, TRUE, FALSE, gate->name);
    if (gate->event == NULL)
        return GetLastError();
    if (GetLastError() == ERROR_ALREADY_EXISTS) {
        CloseHandle(gate->event);
        return ERROR_ALREADY_EXISTS;
    }
    return 0;
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

DWORD sc__program_dir(char *buf, size_t size)
{
    char *dir = sc__program_path("");
    DWORD err =
        dir != NULL && strlen(dir) < size ? 0 : ERROR_INSUFFICIENT_BUFFER;

    if (err == 0)
        strcpy(buf, dir);
    free(dir);
    return err;
}
