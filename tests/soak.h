/*
 * The soak: clients started in waves over a fixed time, each updating the
 * counter as fast as it can for a random lifetime and reporting what it
 * applied. At the end the counter must have moved by exactly the sum: no
 * update lost or doubled however many processes came and went.
 *
 * One module, soak.c, for both of its users: test_soak runs a short soak in
 * the suite, and the same file built with SC_SOAK_PROGRAM is sc_soak, the
 * long soak of "make soak". Run it alone: any other program that updates
 * the same counter meanwhile shows up as lost or extra updates.
 */
#ifndef SC_SOAK_H
#define SC_SOAK_H

#include <stdint.h>

#include <windows.h>

struct sc_soak_plan {
    int clients; /* started in all */
    int wave;    /* started together */
    DWORD duration_ms;
    uint64_t seed; /* for the lifetimes */
};

struct sc_soak_report {
    int started;
    int failed;      /* did not start, or did not report cleanly */
    int peak;        /* most clients running at once */
    int64_t ops;     /* API calls the clients made */
    int64_t applied; /* the sum of what they added */
    int64_t moved;   /* how far the counter went */
    DWORD elapsed_ms;
};

/* The clients are this program re-launched with sc__soak_client_args(). */
#define SC_SOAK_CLIENT_FLAG "--soak-client"

/* Runs the plan and fills report. Returns 0, or a Win32 error code when the
 * soak itself could not go on (the report then covers what was done). */
DWORD sc__soak_run(const struct sc_soak_plan *plan,
                   struct sc_soak_report *report);

/* The client: "--soak-client LIFETIME_MS". Returns its exit code. */
int sc__soak_client_main(const char *lifetime_ms);

/* Updates lost (positive) or applied twice (negative). */
int64_t sc__soak_lost(const struct sc_soak_report *report);

/* sc_soak's command line (see its --help), or a client's; returns the exit
 * code. */
int sc__soak_main(int argc, char **argv);

#endif /* SC_SOAK_H */
