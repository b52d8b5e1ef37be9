/* A DLL's function by name; see find_function.h. */
#include "find_function.h"

sc__any_fn sc__find_function(HMODULE module, const char *name)
{
    return (sc__any_fn)GetProcAddress(module, name);
}
