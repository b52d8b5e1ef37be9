/* A library built with -fvisibility=hidden: only what SC_API marks may be
 * exported, everything else stays inside, static or not. */
#include "sharedcounter.h"

SC_API int sc_fixture_exported(int x);
SC_API extern int sc_fixture_exported_data;
int sc_fixture_internal(int x);
extern int sc_fixture_internal_data;

int sc_fixture_internal_data = 3;
SC_API int sc_fixture_exported_data = 5;

int sc_fixture_internal(int x)
{
    return x * sc_fixture_internal_data;
}

int sc_fixture_exported(int x)
{
    return sc_fixture_internal(x) + sc_fixture_exported_data;
}
