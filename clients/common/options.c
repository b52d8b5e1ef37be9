/* Integer options; see options.h. */
#include "options.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "int_parse.h"

static enum sc_args_result bad(const char *program)
{
    fprintf(stderr, "Try '%s --help' for more information.\n", program);
    return SC_ARGS_BAD;
}

/* Finds the option arg names, alone ("--times") or with "=value". */
static struct sc_int_option *find_option(const char *arg,
                                         struct sc_int_option *options,
                                         size_t count,
                                         const char **inline_value)
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

static enum sc_args_result
set_value(const char *program, struct sc_int_option *option, const char *text)
{
    int64_t value;
    enum sc_parse_status status = sc__parse_int64(text, &value);

    if (option->given) {
        fprintf(stderr, "%s: %s given more than once\n", program, option->name);
        return bad(program);
    }
    if (status == SC_PARSE_NOT_NUMBER) {
        fprintf(stderr, "%s: %s needs a whole number, not \"%s\"\n", program,
                option->name, text);
        return bad(program);
    }
    if (status == SC_PARSE_OUT_OF_RANGE || value < option->min ||
        value > option->max) {
        fprintf(stderr,
                "%s: %s %s is out of range (%" PRId64 " to %" PRId64 ")\n",
                program, option->name, text, option->min, option->max);
        return bad(program);
    }
    option->value = value;
    option->given = 1;
    return SC_ARGS_OK;
}

enum sc_args_result sc__parse_args(int argc, char **argv, const char *program,
                                   struct sc_int_option *options, size_t count)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return SC_ARGS_HELP;
        struct sc_int_option *option = find_option(arg, options, count, &value);
        if (option == NULL) {
            fprintf(stderr, "%s: %s \"%s\"\n", program,
                    arg[0] == '-' ? "unknown option" : "unexpected argument",
                    arg);
            return bad(program);
        }
        if (value == NULL && i + 1 == argc) {
            fprintf(stderr, "%s: %s needs a value\n", program, option->name);
            return bad(program);
        }
        if (set_value(program, option, value ? value : argv[++i]) != SC_ARGS_OK)
            return SC_ARGS_BAD;
    }
    return SC_ARGS_OK;
}
