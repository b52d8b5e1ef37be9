/* The soak's parent and clients; see soak.h. */
#include "soak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "sharedcounter.h"
#include "support.h"

/* One call in ADD_EVERY is an sc_add of ADD_DELTA, the rest increments. */
enum { ADD_EVERY = 16, ADD_DELTA = 3, POLL_MS = 20 };

int sc__soak_client_main(const char *lifetime_ms)
{
    ULONGLONG end = GetTickCount64() + strtoul(lifetime_ms, NULL, 10);
    int64_t last = INT64_MIN, applied = 0, ops = 0;

    while (GetTickCount64() < end) {
        for (int i = 0; i < ADD_EVERY; i++, ops++) {
            int64_t delta = i == 0 ? ADD_DELTA : 1;
            int64_t now = delta == 1 ? sc_increment() : sc_add(delta);
            /* Every delta is positive: a value not above the last one means
             * this client saw its own update undone. */
            if (now <= last)
                return 1;
            last = now;
            applied = sc__wrapping_add(applied, delta);
        }
    }
    printf("applied %lld ops %lld\n", (long long)applied, (long long)ops);
    return fflush(stdout) == 0 ? 0 : 1;
}

int64_t sc__soak_lost(const struct sc_soak_report *report)
{
    return sc__wrapping_sub(report->moved, report->applied);
}

struct client {
    struct sc_child child;
    BOOL running;
};

static uint64_t next_random(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return *state >> 33;
}

/* Collects a finished client's report; a client that failed or said
 * something unexpected is counted as failed. */
static void reap(struct client *c, struct sc_soak_report *report)
{
    struct sc_child_output out;
    DWORD code = 1;
    long long applied, ops;

    if (sc__child_finish(&c->child, 10000, &code, &out) != 0) {
        report->failed++;
    } else {
        if (code == 0 &&
            sscanf(out.out, "applied %lld ops %lld", &applied, &ops) == 2) {
            report->applied += applied;
            report->ops += ops;
        } else {
            report->failed++;
        }
        sc__child_output_free(&out);
    }
    sc__child_close(&c->child);
    c->running = FALSE;
}

/* Reaps every client that has exited; returns how many still run. */
static int reap_finished(struct client *clients, int n,
                         struct sc_soak_report *report)
{
    int running = 0;

    for (int i = 0; i < n; i++) {
        if (!clients[i].running)
            continue;
        if (WaitForSingleObject(clients[i].child.process, 0) == WAIT_TIMEOUT)
            running++;
        else
            reap(&clients[i], report);
    }
    return running;
}

/* Lifetimes run from one wave interval to the end of the soak, so that
 * early clients overlap with late ones and the process count swells. */
static void start_wave(struct client *clients, int first, int count,
                       DWORD lifetime_min, DWORD lifetime_max, uint64_t *rng,
                       struct sc_soak_report *report)
{
    char args[64];

    for (int i = first; i < first + count; i++) {
        DWORD span =
            lifetime_max > lifetime_min ? lifetime_max - lifetime_min : 1;
        DWORD lifetime = lifetime_min + (DWORD)(next_random(rng) % span);
        snprintf(args, sizeof args, SC_SOAK_CLIENT_FLAG " %lu",
                 (unsigned long)lifetime);
        report->started++;
        if (sc__child_start_self(&clients[i].child, args, SC_CHILD_PIPE_OUTPUT) == 0)
            clients[i].running = TRUE;
        else
            report->failed++;
    }
}

DWORD sc__soak_run(const struct sc_soak_plan *plan,
                   struct sc_soak_report *report)
{
    struct client *clients = calloc(plan->clients, sizeof *clients);
    int waves = (plan->clients + plan->wave - 1) / plan->wave;
    DWORD interval = plan->duration_ms / waves;
    uint64_t rng = plan->seed;

    memset(report, 0, sizeof *report);
    if (clients == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    int64_t before = sc_get();
    ULONGLONG t0 = GetTickCount64();
    int started = 0, running = 0;
    for (int w = 0; w < waves || running > 0;) {
        DWORD now = (DWORD)(GetTickCount64() - t0);
        if (w < waves && now >= (DWORD)w * interval) {
            int count = plan->clients - started < plan->wave
                            ? plan->clients - started
                            : plan->wave;
            DWORD left = plan->duration_ms > now ? plan->duration_ms - now : 0;
            start_wave(clients, started, count, interval, left, &rng, report);
            started += count;
            w++;
        }
        running = reap_finished(clients, started, report);
        if (running > report->peak)
            report->peak = running;
        Sleep(POLL_MS);
    }
    report->moved = sc__wrapping_sub(sc_get(), before);
    report->elapsed_ms = (DWORD)(GetTickCount64() - t0);
    free(clients);
    return 0;
}
