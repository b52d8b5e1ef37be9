/* Start-up cost of a client with and without the DLL; see launch_cost.h. */
#include "launch_cost.h"

#include <stdio.h>
#include <stdlib.h>

#include "message.h"
#include "sharedcounter.h"
#include "spawn.h"

enum { LAUNCH_TIMEOUT_MS = 30000 };

/* Runs program to its end; *ms is the time from CreateProcess to its exit. */
static int time_launch(const char *program, double *ms)
{
    LARGE_INTEGER frequency, start, end;
    struct sc_child child;
    DWORD code = 1;

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    DWORD err = sc__child_start(&child, program, NULL, 0);
    if (err == 0)
        err = sc__child_finish(&child, LAUNCH_TIMEOUT_MS, &code, NULL);
    QueryPerformanceCounter(&end);
    sc__child_close(&child);
    if (err != 0 || code != 0)
        return sc__bench_error("%s failed: error %lu, exit status 0x%lx",
                               program, (unsigned long)err,
                               (unsigned long)code);
    *ms = (double)(end.QuadPart - start.QuadPart) * 1000.0 /
          (double)frequency.QuadPart;
    return 0;
}

static int time_launches(const char *plain, const char *client, int launches,
                         double *plain_ms, double *client_ms)
{
    double untimed;

    if (time_launch(plain, &untimed) != 0 || time_launch(client, &untimed) != 0)
        return 1;
    for (int i = 0; i < launches; i++)
        if (time_launch(plain, &plain_ms[i]) != 0 ||
            time_launch(client, &client_ms[i]) != 0)
            return 1;
    return 0;
}

int sc__bench_launch_cost(int launches, struct sc_bench_launch_cost *cost)
{
    char dir[MAX_PATH], plain[MAX_PATH + 32], client[MAX_PATH + 32];

    if (sc__program_dir(dir, sizeof dir) != 0)
        return sc__bench_error("the program's folder has too long a path");
    snprintf(plain, sizeof plain, "%slaunch_plain.exe", dir);
    snprintf(client, sizeof client, "%slaunch_client.exe", dir);

    double *plain_ms = malloc(sizeof(double) * (size_t)launches);
    double *client_ms = malloc(sizeof(double) * (size_t)launches);
    int64_t before = sc_get();
    int failed =
        plain_ms == NULL || client_ms == NULL
            ? sc__bench_error("out of memory")
            : time_launches(plain, client, launches, plain_ms, client_ms);
    if (!failed) {
        cost->launches = launches;
        cost->plain_ms = sc__bench_spread(plain_ms, (size_t)launches);
        cost->client_ms = sc__bench_spread(client_ms, (size_t)launches);
        cost->increments = launches + 1;
        cost->counted = sc_get() - before;
    }
    free(plain_ms);
    free(client_ms);
    return failed;
}
