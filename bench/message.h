/* The benchmark's messages on stderr. */
#ifndef SC_BENCH_MESSAGE_H
#define SC_BENCH_MESSAGE_H

#if defined(__GNUC__)
#define SC_BENCH_PRINTF(format_arg, first_arg)                                 \
    __attribute__((format(printf, format_arg, first_arg)))
#else
#define SC_BENCH_PRINTF(format_arg, first_arg)
#endif

/* Prints "counter_bench: <message>" and a newline on stderr. Returns 1, the
 * exit status of a failed run, so that callers can return it directly. */
int sc__bench_error(const char *format, ...) SC_BENCH_PRINTF(1, 2);

#endif /* SC_BENCH_MESSAGE_H */
