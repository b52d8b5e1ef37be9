/* A short soak (see soak.h) in the suite: a few seconds, no update lost.
 * "make soak" runs the long one with sc_soak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "soak.h"

static void short_soak_loses_no_update(void **state)
{
    const struct sc_soak_plan plan = {16, 4, 3000, 7};
    struct sc_soak_report report;
    (void)state;

    assert_int_equal(sc__soak_run(&plan, &report), 0);
    printf("[ FIGURES  ] %d clients (%d failed), peak %d processes, %lld ops "
           "in %lu ms, %lld lost\n",
           report.started, report.failed, report.peak, (long long)report.ops,
           (unsigned long)report.elapsed_ms, (long long)sc__soak_lost(&report));
    assert_int_equal(report.started, plan.clients);
    assert_int_equal(report.failed, 0);
    assert_true(report.peak >= plan.wave);
    assert_true(report.ops > 0);
    assert_int_equal(report.moved, report.applied);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], SC_SOAK_CLIENT_FLAG) == 0)
        return sc__soak_client_main(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_soak_loses_no_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
