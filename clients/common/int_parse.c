/* Strict int64_t parsing; see int_parse.h. */
#include "int_parse.h"

enum sc_parse_status sc__parse_int64(const char *text, int64_t *value)
{
    int negative = *text == '-';
    if (*text == '+' || *text == '-')
        text++;
    if (*text == '\0')
        return SC_PARSE_NOT_NUMBER;

    /* The magnitude is gathered unsigned, where the one value beyond
     * INT64_MAX that is still valid, 2^63 for INT64_MIN, fits. */
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0;
    int too_big = 0;
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9')
            return SC_PARSE_NOT_NUMBER;
        unsigned digit = (unsigned)(*text - '0');
        if (magnitude > (limit - digit) / 10)
            too_big = 1;
        else
            magnitude = magnitude * 10 + digit;
    }
    if (too_big)
        return SC_PARSE_OUT_OF_RANGE;
    /* Negating in unsigned arithmetic turns 2^63 into INT64_MIN without
     * overflowing a signed type. */
    *value = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
    return SC_PARSE_OK;
}
