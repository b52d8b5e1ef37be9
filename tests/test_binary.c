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

#include "api_names.h"
#include "platform.h"
#include "sectiondump.h"
#include "spawn.h"

#define SHARED_FLAGS 0xD0000040u

/* A parsed image and the bytes it points into. */
struct loaded {
    unsigned char *data;
    struct sd_image image;
};

static void load(const char *file, struct loaded *l)
{
    char path[1024];
    char error[128];
    size_t size;
    assert_int_equal(sc__program_dir(path, sizeof path - strlen(file)), 0);
    strcat(path, file);
    if (sd__read_file(path, &l->data, &size, error, sizeof error) != 0)
        fail_msg("%s: %s", path, error);
    if (sd_parse(&l->image, l->data, size) != 0)
        fail_msg("%s: %s", path, l->image.error);
}

static void unload(struct loaded *l)
{
    sd_release(&l->image);
    free(l->data);
}

static void assert_shared_section(const char *file)
{
    struct loaded l;
    load(file, &l);
    long index = sd_pe_find_section(&l.image.pe, ".shared");
    if (index < 0)
        fail_msg("%s has no .shared section", file);
    assert_int_equal(l.image.pe.sections[index].characteristics, SHARED_FLAGS);
    unload(&l);
}

static void dll_has_the_shared_section(void **state)
{
    (void)state;
    assert_shared_section("sharedcounter.dll");
}

static int exported(const struct sd_pe *pe, const char *name)
{
    for (size_t i = 0; i < pe->export_name_count; i++) {
        if (strcmp(pe->export_names[i].name, name) == 0)
            return 1;
    }
    return 0;
}

static int in_api(const char *name)
{
    for (size_t i = 0; i < SC_API_COUNT; i++) {
        if (strcmp(sc_api_names[i], name) == 0)
            return 1;
    }
    return 0;
}

static void dll_exports_exactly_the_api(void **state)
{
    (void)state;
    struct loaded l;
    load("sharedcounter.dll", &l);
    const struct sd_pe *pe = &l.image.pe;
    assert_string_equal(pe->export_dll_name, "sharedcounter.dll");
    for (size_t i = 0; i < SC_API_COUNT; i++) {
        if (!exported(pe, sc_api_names[i]))
            fail_msg("sharedcounter.dll does not export %s", sc_api_names[i]);
    }
    for (size_t i = 0; i < pe->export_name_count; i++) {
        if (!in_api(pe->export_names[i].name))
            fail_msg("sharedcounter.dll exports %s, which is not API",
                     pe->export_names[i].name);
    }
    assert_int_equal(pe->export_name_count, SC_API_COUNT);
    unload(&l);
}

static void baseline_exe_shares_nothing(void **state)
{
    (void)state;
    struct loaded l;
    load("private_counter.exe", &l);
    assert_true(l.image.pe.section_count > 0);
    assert_int_equal(sd_pe_find_section(&l.image.pe, ".shared"), -1);
    for (size_t i = 0; i < l.image.pe.section_count; i++) {
        if (l.image.pe.sections[i].characteristics & SD_SCN_MEM_SHARED)
            fail_msg("private_counter.exe: section %s is shared",
                     l.image.pe.sections[i].name);
    }
    unload(&l);
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
