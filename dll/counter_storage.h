/*
 * Where the counter lives. Each build of the library provides one definition
 * of sc__counter; the operations in counter.c only ever use this pointer.
 */
#ifndef SC_COUNTER_STORAGE_H
#define SC_COUNTER_STORAGE_H

#include <windows.h>

extern volatile LONG64 *sc__counter;

#endif /* SC_COUNTER_STORAGE_H */
