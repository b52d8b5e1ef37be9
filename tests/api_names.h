/*
 * The names of the functions sharedcounter.dll exports (include/
 * sharedcounter.h), in the order of a PE export table: sorted by byte value.
 * The tests of the built images check each DLL against this list.
 */
#ifndef SC_API_NAMES_H
#define SC_API_NAMES_H

static const char *const sc_api_names[] = {
    "sc_add", "sc_compare_exchange", "sc_decrement", "sc_exchange",
    "sc_get", "sc_increment",        "sc_processes", "sc_version",
};
enum { SC_API_COUNT = sizeof sc_api_names / sizeof sc_api_names[0] };

#endif /* SC_API_NAMES_H */
