/* What the test support does alike on every platform; see support.h. */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ---- text ---------------------------------------------------------------- */

void sc__test_assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("\"%s\" not found in:\n%s", part, text);
}

/* ---- one case of a suite ------------------------------------------------ */

void sc__test_filter_from_environment(void)
{
    const char *pattern = getenv("SC_TEST_FILTER");

    if (pattern != NULL && pattern[0] != '\0')
        cmocka_set_test_filter(pattern);
}
