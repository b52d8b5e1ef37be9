/* The built images, read with sectiondump's parser: sharedcounter.dll has a
 * ".shared" section flagged exactly Initialized Data | Shared | Read | Write
 * and exports exactly the API; the baseline private_counter.exe shares
 * nothing, while shared_exe_counter.exe has the same shared section. Each
 * toolchain tree runs this on its own images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "image.h"
#include "support.h"

#define SHARED_FLAGS 0xD0000040u

static void assert_shared_section(const char *file)
{
    struct sc_test_image l;
    sc__test_image_load(&l, NULL, file);
    long index = sd_pe_find_section(&l.parsed.pe, ".shared");
    if (index < 0)
        fail_msg("%s has no .shared section", file);
    assert_int_equal(l.parsed.pe.sections[index].characteristics, SHARED_FLAGS);
    sc__test_image_free(&l);
}

static void dll_has_the_shared_section(void **state)
{
    (void)state;
    assert_shared_section("sharedcounter.dll");
}

static void dll_exports_exactly_the_api(void **state)
{
    (void)state;
    struct sc_test_image l;
    sc__test_image_load(&l, NULL, "sharedcounter.dll");
    assert_string_equal(l.parsed.pe.export_dll_name, "sharedcounter.dll");
    sc__test_assert_exports_api(&l);
    sc__test_image_free(&l);
}

static void baseline_exe_shares_nothing(void **state)
{
    (void)state;
    struct sc_test_image l;
    sc__test_image_load(&l, NULL, "private_counter.exe");
    assert_true(l.parsed.pe.section_count > 0);
    assert_false(sc__test_image_shares(&l));
    sc__test_image_free(&l);
}

static void shared_exe_has_the_shared_section(void **state)
{
    (void)state;
    assert_shared_section("shared_exe_counter.exe");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dll_has_the_shared_section),
        cmocka_unit_test(dll_exports_exactly_the_api),
        cmocka_unit_test(baseline_exe_shares_nothing),
        cmocka_unit_test(shared_exe_has_the_shared_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
