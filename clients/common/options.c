/* Options and messages; see options.h. */
#include "options.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sharedcounter.h"

/* ---- numbers ------------------------------------------------------------ */

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

/* ---- messages ----------------------------------------------------------- */

SC_PRINTF(2, 0)
static void report(const char *program, const char *format, va_list args)
{
    char message[1024];
    int len = snprintf(message, sizeof message, "%s: ", program);

    if (len < 0 || (size_t)len >= sizeof message)
        len = 0;
    vsnprintf(message + len, sizeof message - (size_t)len, format, args);
    sc__write_text(stderr, message);
    sc__write_text(stderr, "\n");
}

void sc__error(const char *program, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    report(program, format, args);
    va_end(args);
}

int sc__usage_error(const char *program, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    report(program, format, args);
    va_end(args);
    fprintf(stderr, "Try '%s --help'.\n", program);
    return SC_EXIT_USAGE;
}

int sc__print_program_version(const char *program)
{
    printf("%s %s\n", program, SC_VERSION_STRING);
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

/* ---- the command line --------------------------------------------------- */

/* The parser's helpers return 0, or SC_EXIT_USAGE once they have reported
 * bad usage. */

/* Finds the option arg names, alone ("--times") or with "=value". */
static struct sc_option *find_option(const char *arg, struct sc_option *options,
                                     size_t count, const char **inline_value)
{
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(options[i].name);
        if (strncmp(arg, options[i].name, len) != 0)
            continue;
        if (arg[len] == '\0' || arg[len] == '=') {
            *inline_value = arg[len] == '=' ? arg + len + 1 : NULL;
            return &options[i];
        }
    }
    return NULL;
}

/* One number of an INT or INT_LIST option, text alone. */
static int parse_number(const char *program, const struct sc_option *option,
                        const char *text, int64_t *value)
{
    enum sc_parse_status status = sc__parse_int64(text, value);

    if (status == SC_PARSE_NOT_NUMBER)
        return sc__usage_error(program, "%s needs a whole number, not \"%s\"",
                               option->name, text);
    if (status == SC_PARSE_OUT_OF_RANGE || *value < option->min ||
        *value > option->max)
        return sc__usage_error(
            program, "%s %s is out of range (%" PRId64 " to %" PRId64 ")",
            option->name, text, option->min, option->max);
    return 0;
}

static int listed(const struct sc_option *option, int64_t value)
{
    for (size_t i = 0; i < option->list_len; i++)
        if (option->list[i] == value)
            return 1;
    return 0;
}

/* "1,2,4": each item a number in range, none twice, at most list_max. */
static int parse_list(const char *program, struct sc_option *option,
                      const char *text)
{
    char item[32];

    option->list_len = 0;
    for (const char *p = text;; p++) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof item)
            return sc__usage_error(
                program,
                "%s needs whole numbers separated by commas, not \"%s\"",
                option->name, text);
        memcpy(item, p, len);
        item[len] = '\0';
        int64_t value;
        if (parse_number(program, option, item, &value) != 0)
            return SC_EXIT_USAGE;
        if (listed(option, value))
            return sc__usage_error(program, "%s lists %s twice", option->name,
                                   item);
        if (option->list_len == option->list_max)
            return sc__usage_error(program, "%s takes at most %lu numbers",
                                   option->name,
                                   (unsigned long)option->list_max);
        option->list[option->list_len++] = value;
        p += len;
        if (*p == '\0')
            return 0;
    }
}

/* Gives option the value text: NULL for a flag alone. */
static int set_value(const char *program, struct sc_option *option,
                     const char *text)
{
    if (option->given)
        return sc__usage_error(program, "%s given more than once",
                               option->name);
    option->given = 1;
    switch (option->kind) {
    case SC_OPTION_INT:
        return parse_number(program, option, text, &option->value);
    case SC_OPTION_INT_LIST:
        return parse_list(program, option, text);
    case SC_OPTION_STRING:
        if (*text == '\0')
            return sc__usage_error(program, "%s needs a value, not \"\"",
                                   option->name);
        option->text = text;
        return 0;
    case SC_OPTION_FLAG:
        break;
    }
    return text == NULL
               ? 0
               : sc__usage_error(program, "%s takes no value", option->name);
}

/* The option argv[*i] names, with its value: after its '=', or the next
 * argument, past which *i then moves. */
static int take_option(const char *program, int argc, char **argv, int *i,
                       struct sc_option *options, size_t count)
{
    const char *arg = argv[*i], *value;
    struct sc_option *option = find_option(arg, options, count, &value);

    if (option == NULL)
        return sc__usage_error(
            program, "%s \"%s\"",
            arg[0] == '-' ? "unknown option" : "unexpected argument", arg);
    if (value == NULL && option->kind != SC_OPTION_FLAG) {
        if (*i + 1 == argc)
            return sc__usage_error(program, "%s needs a value", option->name);
        value = argv[++*i];
    }
    return set_value(program, option, value);
}

enum sc_args_result sc__parse_args(int argc, char **argv, const char *program,
                                   struct sc_option *options, size_t count)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return SC_ARGS_HELP;
        if (strcmp(argv[i], "--version") == 0)
            return SC_ARGS_VERSION;
        if (take_option(program, argc, argv, &i, options, count) != 0)
            return SC_ARGS_BAD;
    }
    return SC_ARGS_OK;
}
