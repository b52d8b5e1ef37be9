/*
 * What the variants count on: the named objects of one benchmark run and the
 * DLLs loaded at run time. The launcher and each of its workers open them in
 * the same way, so they all reach the same objects.
 */
#ifndef SC_BENCH_TARGETS_H
#define SC_BENCH_TARGETS_H

#include <stdint.h>

#include <windows.h>

/* sc_increment() and sc_get() as GetProcAddress hands them out. */
typedef int64_t (*sc_bench_counter_fn)(void);

/* The counters of the file-mapping and named-mutex variants, each on a cache
 * line of its own so that one variant's traffic never slows the other. */
struct sc_bench_slots {
    _Alignas(64) volatile LONG64 atomic;
    _Alignas(64) volatile LONG64 locked;
};

struct sc_bench_targets {
    HANDLE start; /* manual-reset event: the workers of a run begin together */
    HANDLE mapping; /* holds struct sc_bench_slots */
    HANDLE mutex;   /* guards slots->locked */
    struct sc_bench_slots *slots;
    HMODULE loaded; /* sharedcounter.dll, at run time */
    sc_bench_counter_fn loaded_increment;
    HMODULE hardened; /* NULL when not available */
    sc_bench_counter_fn hardened_increment;
    sc_bench_counter_fn hardened_get;
    char hardened_note[160]; /* why the hardened DLL is not used */
    const char *failed_step; /* what failed when open returns an error */
};

/* Creates or opens the objects of the run that launcher_pid leads, and loads
 * the DLLs found next to this program. Returns 0, or the Win32 error code
 * with failed_step naming the call that failed. A missing or unusable
 * sharedcounter_hardened.dll is no error: hardened stays NULL and
 * hardened_note says why. */
DWORD sc__bench_targets_open(struct sc_bench_targets *t, DWORD launcher_pid);

void sc__bench_targets_close(struct sc_bench_targets *t);

#endif /* SC_BENCH_TARGETS_H */
