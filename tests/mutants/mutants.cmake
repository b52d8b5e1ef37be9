# The deliberate defects, each a small edit to dll/ and the suites that must
# fail on it (sc_mutant, CMakeLists.txt here). "make mutants" builds each and
# runs its suites against it; docs/reliability.md has the table.

# ---- updates ----------------------------------------------------------------

# A plain read and write in place of the locked add, and a thread that now
# and then gives up its time slice between the two, as a preempted one would:
# the lost updates show on any number of CPUs.
sc_mutant(NAME add_not_atomic FILE counter.c
    FIND "    int64_t before = sc__fetch_add64(counter(), delta);\n"
    REPLACE "    int64_t before = *counter();
    if ((before & 63) == 0)
#if defined(_WIN32)
        SwitchToThread();
#else
        sched_yield();
#endif
    *counter() = (int64_t)((uint64_t)before + (uint64_t)delta);\n"
    WINDOWS test_threads LINUX test_native_threads)

# Each update's result: the value before it instead of after it, or the
# new value instead of the old one.
sc_mutant(NAME increment_returns_old FILE counter.c
    FIND "    return add_and_get(1);"
    REPLACE "    return (int64_t)((uint64_t)add_and_get(1) - 1);"
    WINDOWS test_api LINUX test_native_api)
sc_mutant(NAME decrement_returns_old FILE counter.c
    FIND "    return add_and_get(-1);"
    REPLACE "    return (int64_t)((uint64_t)add_and_get(-1) + 1);"
    WINDOWS test_api LINUX test_native_api)
sc_mutant(NAME add_returns_old FILE counter.c
    FIND "    return add_and_get(delta);"
    REPLACE "    return (int64_t)((uint64_t)add_and_get(delta) - (uint64_t)delta);"
    WINDOWS test_api LINUX test_native_api)
sc_mutant(NAME exchange_returns_new FILE counter.c
    FIND "    if (before != value)\n        wake_waiters();\n    return before;"
    REPLACE "    if (before != value)\n        wake_waiters();\n    return value;"
    WINDOWS test_api LINUX test_native_api)
sc_mutant(NAME compare_exchange_returns_new FILE counter.c
    FIND "    if (before == expected && expected != desired)\n        wake_waiters();\n    return before;"
    REPLACE "    if (before == expected && expected != desired)\n        wake_waiters();\n    return before == expected ? desired : before;"
    WINDOWS test_api LINUX test_native_api)

# ---- wakes ------------------------------------------------------------------

# Each kind of update that forgets to wake the waiters.
sc_mutant(NAME add_wakes_only_for_1 FILE counter.c
    FIND "    if (delta != 0)\n        wake_waiters();"
    REPLACE "    if (delta == 1)\n        wake_waiters();"
    WINDOWS test_wait/every_update_wakes_a_sleeper
    LINUX test_native_wait/every_update_wakes_a_sleeper)
sc_mutant(NAME decrement_forgets_wake FILE counter.c
    FIND "    return add_and_get(-1);"
    REPLACE "    return (int64_t)((uint64_t)sc__fetch_add64(counter(), -1) - 1);"
    WINDOWS test_wait/every_update_wakes_a_sleeper
    LINUX test_native_wait/every_update_wakes_a_sleeper)
sc_mutant(NAME exchange_forgets_wake FILE counter.c
    FIND "    if (before != value)\n        wake_waiters();\n"
    REPLACE ""
    WINDOWS test_wait/every_update_wakes_a_sleeper
    LINUX test_native_wait/every_update_wakes_a_sleeper)
sc_mutant(NAME compare_exchange_forgets_wake FILE counter.c
    FIND "    if (before == expected && expected != desired)\n        wake_waiters();\n"
    REPLACE ""
    WINDOWS test_wait/every_update_wakes_a_sleeper
    LINUX test_native_wait/every_update_wakes_a_sleeper)

# A wake that moves the generation on and wakes nobody.
sc_mutant(NAME wake_wakes_nobody FILE counter.c
    FIND "    sc__waiters_wake(storage, word);\n"
    REPLACE ""
    WINDOWS test_wait/two_processes_ping_pong
    LINUX test_native_wait/two_processes_ping_pong)

# A wake that reaches every sleeping thread but one: on Windows the thread
# that the doorbell woke passes the wake on to all its siblings but one; on
# Linux the futex wakes one sleeper.
sc_mutant(NAME wake_passed_on_to_all_but_one FILE wait_win32.c
    FIND "        if (n != self)\n"
    REPLACE "        if (n != self && n != (in_wait != self ? in_wait : in_wait->next))\n"
    WINDOWS test_wait/threads_of_one_process_*)
sc_mutant(NAME futex_wakes_one FILE wait_posix.c
    FIND "FUTEX_WAKE, INT_MAX,"
    REPLACE "FUTEX_WAKE, 1,"
    LINUX test_native_wait/threads_of_one_process_*)

# ---- the shared section -----------------------------------------------------

# Windows: the section without its Shared flag (GCC's attribute: the gcc
# tree runs the list). Linux: the section never mapped over with the object.
sc_mutant(NAME section_not_shared FILE shared_section.h
    FIND "__attribute__((section(\".shared\"), shared))"
    REPLACE "__attribute__((section(\".shared\")))"
    WINDOWS test_linearizable/increments_of_2_processes_are_exactly_the_range)
sc_mutant(NAME section_not_mapped FILE shared_section_posix.c
    FIND "        if (mmap(start, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                 fd, 0) == MAP_FAILED)
            fail(errno, \"cannot map /dev/shm%s\", object_name);\n"
    REPLACE ""
    LINUX test_native_processes/linearizable_with_2_processes)

# ---- the process table ------------------------------------------------------

# The sweep finds a process that has ended and lists it all the same.
sc_mutant(NAME dead_process_listed FILE process_table.c
    FIND "    sc__compare_exchange64(&slot->owner, owner, 0);\n    return true;\n"
    REPLACE "    return false;\n"
    WINDOWS test_sc_processes/one_holder_is_counted_then_killed
    LINUX test_native_processes/processes_exact_after_kill_9_mid_run)

# ---- timeouts ---------------------------------------------------------------

# What is left of a timeout rounded down: the last sleep ends early.
sc_mutant(NAME timeout_ends_early FILE counter.c
    FIND "(limit - elapsed + 999) / 1000"
    REPLACE "(limit - elapsed) / 1000"
    WINDOWS test_wait/timeouts_end_never_early
    LINUX test_native_wait/timeouts_end_never_early)
# Never nothing left: the wait sleeps a millisecond at a time for ever.
sc_mutant(NAME timeout_never_ends FILE counter.c
    FIND "elapsed >= limit ? 0 :"
    REPLACE "elapsed >= limit ? 1 :"
    WINDOWS test_wait/timeouts_end_never_early
    LINUX test_native_wait/timeouts_end_never_early)
# sc_wait says the counter changed when its time is up.
sc_mutant(NAME timeout_returns_1 FILE counter.c
    FIND "        if (left == 0)\n            return end_wait(&call, now, value, 0);"
    REPLACE "        if (left == 0)\n            return end_wait(&call, now, value, 1);"
    WINDOWS test_wait/timeouts_end_never_early
    LINUX test_native_wait/timeouts_end_never_early)

# ---- the named counters -------------------------------------------------------

# A lookup that never recognises a name already in the table: each open of
# it claims another slot, so that one name counts in several places.
sc_mutant(NAME name_claims_a_second_slot FILE named_counters.c
    FIND "                       ? SLOT_MATCH\n"
    REPLACE "                       ? SLOT_OTHER\n"
    WINDOWS test_named/valid_names_open_and_bad_ones_are_refused
    LINUX test_native_named/valid_names_open_and_bad_ones_are_refused)

# A claim whose claimant has died is waited on for ever, instead of being
# taken over: the name can no longer be opened.
sc_mutant(NAME dead_claim_never_taken_over FILE named_counters.c
    FIND "sc__owner_liveness(state) == SC_GONE"
    REPLACE "sc__owner_liveness(state) == SC_GONE && 0"
    WINDOWS test_named/claim_of_a_killed_process_is_taken_over
    LINUX test_native_named/claim_of_a_killed_process_is_taken_over)

# The counters packed together: several share a cache line, and each update
# takes it from the writers of the others.
sc_mutant(NAME counters_share_a_cache_line FILE counter_storage.h
    FIND "    _Alignas(64) sc__atomic64 value;\n"
    REPLACE "    sc__atomic64 value;\n"
    WINDOWS test_named/each_counter_has_a_cache_line_of_its_own
    LINUX test_native_named/each_counter_has_a_cache_line_of_its_own)
