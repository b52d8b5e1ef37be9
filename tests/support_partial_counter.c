/*
 * Stands in for a wrong sharedcounter.dll in the tests: it exports sc_get
 * but not sc_add, so counter_dynamic must say that sc_add is missing.
 */
#include <stdint.h>

__declspec(dllexport) int64_t sc_get(void);

int64_t sc_get(void)
{
    return 0;
}
