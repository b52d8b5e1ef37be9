/*
 * sharedcounter: one 64-bit counter shared by every process that loads the
 * same sharedcounter.dll image file (docs/how-it-works.md tells how).
 *
 * Every update is atomic: any number of threads in any number of processes
 * may call these functions at once and no update is lost.
 *
 * Scope and lifetime: the counter is shared per DLL *file*. A copy of the DLL
 * under another path has a counter of its own. The value lives as long as at
 * least one process has the DLL loaded; when the last one unloads it, the
 * next process to load it starts again from 0.
 *
 * sharedcounter_hardened.dll exports this same API, but only the processes
 * of the creating user can reach its counter, shared per user, per logon
 * session and per DLL file (docs/security.md). Everything below holds for
 * both builds.
 *
 * Arithmetic wraps: the counter is a two's-complement int64_t, so adding 1 to
 * INT64_MAX gives INT64_MIN, and subtracting 1 from INT64_MIN gives INT64_MAX.
 * Once the DLL is loaded, only sc_wait() can fail: it returns -1, with the
 * reason in GetLastError() (Windows) or errno (Linux). Every other function
 * always succeeds.
 *
 * Beside the counter, the DLL keeps track of the processes that have it
 * loaded: sc_processes() lists them.
 */
#ifndef SHAREDCOUNTER_H
#define SHAREDCOUNTER_H

#define SC_VERSION_MAJOR 0
#define SC_VERSION_MINOR 4
#define SC_VERSION_PATCH 0

/* 0x00MMmmpp: compare with sc_version() to detect a header/DLL mismatch. */
#define SC_VERSION_HEX                                                         \
    ((SC_VERSION_MAJOR << 16) | (SC_VERSION_MINOR << 8) | SC_VERSION_PATCH)

/* "0.4.0". SC__STRINGIFY is the header's own helper, not part of the API. */
#define SC__STRINGIFY_(x) #x
#define SC__STRINGIFY(x) SC__STRINGIFY_(x)
#define SC_VERSION_STRING                                                      \
    SC__STRINGIFY(SC_VERSION_MAJOR)                                            \
    "." SC__STRINGIFY(SC_VERSION_MINOR) "." SC__STRINGIFY(SC_VERSION_PATCH)

/* The resource compiler includes this header for the version numbers only. */
#ifndef RC_INVOKED

#include <stdint.h>

#if defined(SC_BUILDING_DLL) && defined(SC_USING_DLL)
#error "Define only one of SC_BUILDING_DLL and SC_USING_DLL."
#endif

/*
 * SC_API marks the exported functions. Clients that link the import library
 * get SC_USING_DLL from the CMake target; dllimport then lets the compiler
 * call through the import address table directly instead of via a thunk.
 */
#if defined(_WIN32)
#if defined(SC_BUILDING_DLL)
#define SC_API __declspec(dllexport)
#elif defined(SC_USING_DLL)
#define SC_API __declspec(dllimport)
#else
#define SC_API
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define SC_API __attribute__((visibility("default")))
#else
#define SC_API
#endif

/* How many processes sc_processes() can list: the size of the table. */
#define SC_PROCESS_SLOTS 1024

/* sc_wait()'s timeout that never ends. */
#define SC_WAIT_FOREVER UINT32_MAX

/* How many named counters one DLL file's table holds (sc_counter_open). */
#define SC_COUNTERS 1024

/* The most bytes in a named counter's name, without the terminating NUL. */
#define SC_NAME_MAX 127

#ifdef __cplusplus
extern "C" {
#endif

/*
 * sc_get() : reads the counter atomically, without writing to it: polling it
 *         does not slow down the callers that update it.
 * @return the current value. Another process may change it right after the
 *         read, so use the value returned by an update when you need to know
 *         the result of that update. Cannot fail.
 */
SC_API int64_t sc_get(void);

/*
 * sc_increment() : adds 1 to the counter atomically.
 * @return the new value (the value after this increment). INT64_MAX wraps
 *         to INT64_MIN. Cannot fail.
 */
SC_API int64_t sc_increment(void);

/*
 * sc_decrement() : subtracts 1 from the counter atomically.
 * @return the new value. INT64_MIN wraps to INT64_MAX. Cannot fail.
 */
SC_API int64_t sc_decrement(void);

/*
 * sc_add() : adds delta (which may be negative) to the counter atomically.
 * @return the new value, with two's-complement wrap on overflow in either
 *         direction. Cannot fail.
 */
SC_API int64_t sc_add(int64_t delta);

/*
 * sc_exchange() : sets the counter to value atomically.
 * @return the value it held just before. sc_exchange(0) resets the counter
 *         and tells how far it had got, with no update lost in between.
 *         Cannot fail.
 */
SC_API int64_t sc_exchange(int64_t value);

/*
 * sc_compare_exchange() : sets the counter to desired only if it currently
 *         holds expected, atomically.
 * @return the value the counter held before the call: equal to expected if
 *         and only if the counter was replaced. Use it to build other atomic
 *         updates (for example a saturating add) in a retry loop.
 *         Cannot fail.
 */
SC_API int64_t sc_compare_exchange(int64_t expected, int64_t desired);

/*
 * sc_version() : the version of the loaded DLL.
 * @return SC_VERSION_HEX as it was when the DLL was built. Compare it with
 *         the SC_VERSION_HEX your program was compiled with. Cannot fail.
 */
SC_API uint32_t sc_version(void);

/*
 * sc_processes() : which processes have this DLL image loaded right now,
 *         the caller included. Processes that load a copy of the DLL from
 *         another path have a table of their own and are not seen here.
 * @param pids receives the ids of up to capacity of them, in no particular
 *         order, and 0 in each of its capacity entries that got no id (no
 *         process has id 0): the ids written are the entries before the
 *         first 0, or all capacity entries. Nothing is written beyond
 *         capacity. It may be NULL when capacity is 0: sc_processes(NULL, 0)
 *         only counts.
 * @return how many there are, which may be more than capacity, and more
 *         than the ids written (see below). Call again with a larger array
 *         to get every id; the set may have changed meanwhile.
 *
 * A process that ended without unloading the DLL (TerminateProcess, a
 * crash) is never counted, and a new process that gets its id is not taken
 * for it. A process whose state this user may not query (another user's,
 * with the section build) is counted as running.
 *
 * Beyond SC_PROCESS_SLOTS processes at once, the others are counted but not
 * listed: the returned count includes them, pids does not, and the entries
 * they would have taken hold 0. Such a process is listed from its first
 * call of sc_processes() after a slot has come free. It leaves the count
 * when it unloads the DLL or exits normally; if it is killed while it is
 * not listed, it stays counted until every process has unloaded the DLL.
 * Processes attaching or detaching during the call may or may not be seen.
 * Cannot fail.
 */
SC_API uint32_t sc_processes(uint32_t *pids, uint32_t capacity);

/*
 * sc_wait() : waits, asleep, until the counter differs from seen
 *         or timeout_ms milliseconds have passed. Any process's update wakes
 *         it, from any thread; a process may have any number of threads
 *         waiting at once.
 * @param seen the value the caller last saw, usually from sc_get() or from
 *         the previous call's *now.
 * @param timeout_ms 0 looks once and returns at once; SC_WAIT_FOREVER
 *         waits as long as it takes.
 * @param now receives, when it is not NULL, the value the call saw last:
 *         on 1 a value other than seen, on 0 the value at the timeout.
 * @return 1 as soon as the counter differs from seen; 0 when timeout_ms
 *         passed first, never earlier; -1 when it cannot wait (an operating
 *         system call failed: GetLastError() or errno says why), so a
 *         failure never looks like a hang. Early wake-ups inside the call
 *         never reach the caller.
 *
 * Not promised: a change and a change back between two looks may go unseen
 * (the counter is a value, not a log: wait for a value with a loop around
 * sc_wait). Waiters are per library file, like the counter: an update of a
 * copy at another path never wakes them.
 *
 * A writer stopped or killed between its update and its wake delays no
 * waiter beyond the next update by anyone; its own update, if nobody
 * writes after it, is seen within a second.
 *
 * Windows: a process beyond SC_PROCESS_SLOTS cannot be found by a writer's
 * wake; its calls look at the counter on a short timer instead of sleeping
 * (docs/watching.md). A writer that cannot open the waiter's event does not
 * wake it: a writer in another session (a service and a user's program
 * sharing sharedcounter.dll) or, with the section build, of another user or
 * at a lower integrity level. Such a waiter sees the change within a
 * second.
 */
SC_API int sc_wait(int64_t seen, uint32_t timeout_ms, int64_t *now);

/*
 * Named counters (since 0.4). Beside the counter above, the DLL keeps a table
 * of up to SC_COUNTERS counters, each with a name, shared like it by every
 * process that loads the same DLL file, and living as long as it. A counter
 * is made by the first sc_counter_open() of its name, starts at 0, and stays
 * until the table goes with the last process; there is no removing one.
 *
 * A name is a series of the Prometheus text format: a metric name
 * ([a-zA-Z_:][a-zA-Z0-9_:]*), optionally followed by labels in braces,
 * name="value" pairs separated by commas, for example
 *     http_requests_total{method="get",code="200"}
 * A label name is [a-zA-Z_][a-zA-Z0-9_]* and does not start with "__"; no
 * label appears twice. A label value is UTF-8, with a backslash, a double
 * quote and a line feed written \\, \" and \n, and no other control
 * character. No spaces, no trailing comma, no empty braces; at most
 * SC_NAME_MAX bytes. Labels in another order name the same counter:
 * sc_counter_next() gives them sorted by label name.
 *
 * The operations below take an id that sc_counter_open() returned. An id it
 * did not return (negative, SC_COUNTERS or more, or a slot not in use)
 * changes nothing: sc_counter_add(), sc_counter_get() and
 * sc_counter_exchange() return 0 and sc_counter_wait() returns -1.
 * Like the counter above, every update is atomic and wraps in two's
 * complement.
 */

/*
 * sc_counter_open() : finds the counter called name, or makes it.
 * @return its id, from 0 to SC_COUNTERS - 1: the same in every process and
 *         for every call with the same name, however many processes open it
 *         at once. -1 when name is NULL or not a valid name (errno EINVAL;
 *         Windows: GetLastError() ERROR_INVALID_NAME), or when the table is
 *         full (ENOSPC; ERROR_DISK_FULL); nothing is changed then.
 *         A process killed while it opens a name leaves nothing held: the
 *         first open whose search reaches the slot it was claiming takes
 *         the slot over, after a few thousand looks.
 */
SC_API int32_t sc_counter_open(const char *name);

/*
 * sc_counter_add() : adds delta (which may be negative) to counter id.
 * @return the new value; 0 for an id sc_counter_open() did not return.
 */
SC_API int64_t sc_counter_add(int32_t id, int64_t delta);

/*
 * sc_counter_get() : reads counter id, without writing to it.
 * @return its value; 0 for an id sc_counter_open() did not return.
 */
SC_API int64_t sc_counter_get(int32_t id);

/*
 * sc_counter_exchange() : sets counter id to value.
 * @return the value it held just before; 0 for an id sc_counter_open() did
 *         not return.
 */
SC_API int64_t sc_counter_exchange(int32_t id, int64_t value);

/*
 * sc_counter_wait() : sc_wait() for counter id: waits, asleep, until it
 *         differs from seen or timeout_ms milliseconds have passed. Only an
 *         update of counter id ends the wait.
 * @return as sc_wait(); also -1 for an id sc_counter_open() did not return
 *         (errno EINVAL; Windows: ERROR_INVALID_PARAMETER), with *now
 *         untouched.
 */
SC_API int sc_counter_wait(int32_t id, int64_t seen, uint32_t timeout_ms,
                           int64_t *now);

/*
 * sc_counter_next() : lists the table, one counter per call.
 * @param after -1 for the first counter, then the id the previous call
 *         returned.
 * @param name receives the counter's name and a NUL, cut to size - 1 bytes
 *         if it is longer (a buffer of SC_NAME_MAX + 1 bytes always holds
 *         it); may be NULL when size is 0.
 * @param value receives its value, unless it is NULL.
 * @return the id of the first counter in use after the id after, in
 *         increasing order; -1 after the last one. Counters made during a
 *         listing may or may not be listed. Cannot fail.
 */
SC_API int32_t sc_counter_next(int32_t after, char *name, uint32_t size,
                               int64_t *value);

#ifdef __cplusplus
}
#endif

#endif /* RC_INVOKED */

#endif /* SHAREDCOUNTER_H */
