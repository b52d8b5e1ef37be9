/* The compared ways of counting; see variants.h. */
#include "variants.h"

#include <string.h>

#include "shared_section.h"
#include "sharedcounter.h"

/* The limit's counter: process-local, alone on its cache line. */
static _Alignas(64) volatile LONG64 local_counter;

/* The unsafe variant's counter lives in this program's own shared section,
 * so every copy of the benchmark process updates the same variable. */
SC_SHARED_BEGIN
static SC_SHARED _Alignas(64) volatile LONG64 unsafe_counter = 0;
SC_SHARED_END

static DWORD run_limit(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++)
        InterlockedIncrement64(&local_counter);
    return 0;
}

static int64_t read_limit(const struct sc_bench_targets *t)
{
    (void)t;
    return local_counter;
}

static DWORD run_imported(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++)
        sc_increment();
    return 0;
}

static int64_t read_imported(const struct sc_bench_targets *t)
{
    (void)t;
    return sc_get();
}

static void call_n(sc_bench_counter_fn increment, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        increment();
}

static DWORD run_loaded(struct sc_bench_targets *t, uint32_t n)
{
    call_n(t->loaded_increment, n);
    return 0;
}

static DWORD run_mapping(struct sc_bench_targets *t, uint32_t n)
{
    volatile LONG64 *counter = &t->slots->atomic;

    for (uint32_t i = 0; i < n; i++)
        InterlockedIncrement64(counter);
    return 0;
}

static int64_t read_mapping(const struct sc_bench_targets *t)
{
    return t->slots->atomic;
}

static DWORD run_mutex(struct sc_bench_targets *t, uint32_t n)
{
    volatile LONG64 *counter = &t->slots->locked;

    for (uint32_t i = 0; i < n; i++) {
        DWORD waited = WaitForSingleObject(t->mutex, INFINITE);
        if (waited != WAIT_OBJECT_0) /* failed, or abandoned by a crash */
            return waited == WAIT_FAILED ? GetLastError()
                                         : ERROR_ABANDONED_WAIT_0;
        *counter = *counter + 1;
        ReleaseMutex(t->mutex);
    }
    return 0;
}

static int64_t read_mutex(const struct sc_bench_targets *t)
{
    return t->slots->locked;
}

static DWORD run_unsafe(struct sc_bench_targets *t, uint32_t n)
{
    (void)t;
    for (uint32_t i = 0; i < n; i++) {
        /* A separate load and store: another process may store in between,
         * and its update is then lost. That is what this variant shows. */
        LONG64 seen = unsafe_counter;
        unsafe_counter = seen + 1;
    }
    return 0;
}

static int64_t read_unsafe(const struct sc_bench_targets *t)
{
    (void)t;
    return unsafe_counter;
}

static DWORD run_hardened(struct sc_bench_targets *t, uint32_t n)
{
    call_n(t->hardened_increment, n);
    return 0;
}

static int64_t read_hardened(const struct sc_bench_targets *t)
{
    return t->hardened_get();
}

static int hardened_loaded(const struct sc_bench_targets *t)
{
    return t->hardened != NULL;
}

/* The atomic variants look at the clock every 65536 increments, a few
 * hundred microseconds, so the clock costs them nothing measurable; a mutex
 * round trip through Wine's server is some ten thousand times slower. */
static const struct sc_bench_variant variants[] = {
    {"limit", "InterlockedIncrement64 on a process-local variable", 1, 0, 65536,
     run_limit, read_limit, NULL},
    {"sharedcounter", "sc_increment() through the import library", 1, 1, 65536,
     run_imported, read_imported, NULL},
    /* The same DLL as the import library's: the same counter. */
    {"sc-runtime", "sc_increment() through a GetProcAddress pointer", 1, 1,
     65536, run_loaded, read_imported, NULL},
    {"file-mapping", "InterlockedIncrement64 in a named file mapping", 1, 1,
     65536, run_mapping, read_mapping, NULL},
    {"named-mutex", "plain ++ in a file mapping, under a named mutex", 1, 1, 4,
     run_mutex, read_mutex, NULL},
    {"unsafe", "plain ++ (load, then store) on a .shared section variable", 0,
     1, 65536, run_unsafe, read_unsafe, NULL},
    {"hardened",
     "sc_increment() of sharedcounter_hardened.dll, run-time loaded", 1, 1,
     65536, run_hardened, read_hardened, hardened_loaded},
};

int sc__bench_variant_count(void)
{
    return (int)(sizeof variants / sizeof variants[0]);
}

const struct sc_bench_variant *sc__bench_variant(int index)
{
    return &variants[index];
}

int sc__bench_variant_available(const struct sc_bench_variant *v,
                                const struct sc_bench_targets *t)
{
    return v->available == NULL || v->available(t);
}

int sc__bench_variant_find(const char *name)
{
    for (int i = 0; i < sc__bench_variant_count(); i++)
        if (strcmp(variants[i].name, name) == 0)
            return i;
    return -1;
}
