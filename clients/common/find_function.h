/* A DLL's function by name, as a function pointer a caller can convert. */
#ifndef SC_FIND_FUNCTION_H
#define SC_FIND_FUNCTION_H

#include <windows.h>

/* The generic function pointer type: converting GetProcAddress's result
 * through it, and from it to the real type, tells the compiler that the
 * change of signature is intended (no function-type-mismatch warning). */
typedef void (*sc__any_fn)(void);

/* The function module exports as name, or NULL (see GetLastError()). */
sc__any_fn sc__find_function(HMODULE module, const char *name);

#endif /* SC_FIND_FUNCTION_H */
