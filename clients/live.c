/* What the live views share; see live.h. */
#include "live.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"
#include "sharedcounter.h"
#include "wrapping.h"

int sc__live_parse(const char *program, int argc, char **argv,
                   struct sc_option *options, size_t count,
                   void (*print_help)(void))
{
    switch (sc__parse_args(argc, argv, program, options, count)) {
    case SC_ARGS_HELP:
        print_help();
        return fflush(stdout) == 0 ? SC_EXIT_OK : SC_EXIT_FAILURE;
    case SC_ARGS_VERSION:
        return sc__print_versions(program, (const void *)sc_get, sc_version());
    case SC_ARGS_BAD:
        return SC_EXIT_USAGE;
    case SC_ARGS_OK:
        break;
    }
    return SC_LIVE_RUN;
}

void sc__rate_add(struct sc_rate *rate, uint64_t now_ms, int64_t value)
{
    rate->ms[rate->next] = now_ms;
    rate->values[rate->next] = value;
    rate->next = (rate->next + 1) % SC_RATE_SAMPLES;
    if (rate->count < SC_RATE_SAMPLES)
        rate->count++;
}

int sc__rate_per_second(const struct sc_rate *rate, double *per_second)
{
    if (rate->count < 2)
        return -1;
    size_t newest = (rate->next + SC_RATE_SAMPLES - 1) % SC_RATE_SAMPLES;
    size_t oldest = (newest + SC_RATE_SAMPLES - 1) % SC_RATE_SAMPLES;
    for (size_t i = 2; i < rate->count; i++) {
        size_t before = (oldest + SC_RATE_SAMPLES - 1) % SC_RATE_SAMPLES;
        if (rate->ms[newest] - rate->ms[before] > SC_RATE_WINDOW_MS)
            break;
        oldest = before;
    }
    uint64_t elapsed = rate->ms[newest] - rate->ms[oldest];
    int64_t change =
        sc__wrapping_sub(rate->values[newest], rate->values[oldest]);
    /* Two samples in the same millisecond: no time has passed to divide by. */
    *per_second = elapsed > 0 ? (double)change * 1000.0 / (double)elapsed : 0.0;
    return 0;
}

char *sc__format_grouped(int64_t value, char *buf, size_t size)
{
    char digits[24];
    /* The magnitude in unsigned arithmetic, so that INT64_MIN has one. */
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    int len = snprintf(digits, sizeof digits, "%" PRIu64, magnitude);
    size_t out = 0;

    if (size < 27) {
        if (size > 0)
            buf[0] = '\0';
        return buf;
    }
    if (value < 0)
        buf[out++] = '-';
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[out++] = ',';
        buf[out++] = digits[i];
    }
    buf[out] = '\0';
    return buf;
}
