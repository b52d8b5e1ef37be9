/* The benchmark's messages on stderr; see message.h. */
#include "message.h"

#include <stdarg.h>
#include <stdio.h>

int sc__bench_error(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    fputs("counter_bench: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    return 1;
}
