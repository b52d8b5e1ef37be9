/*
 * The hardened build, sharedcounter_hardened.dll (docs/security.md): the
 * same exports as sharedcounter.dll and no shared section; one counter for
 * the processes of one user, in a mapping whose owner and DACL admit that
 * user only; a name that someone else got to first is refused, not used;
 * and it runs in place of sharedcounter.dll under that name.
 *
 * The program re-launches itself as a second process of the same user:
 *     test_hardened --add N    prints "seen X now Y"
 *     test_hardened --wait-squatted   squats its own doorbell's name, then
 *                              prints "wait R error E" of one sc_wait
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <windows.h>

#include <aclapi.h>

#include "child_process.h"
/* The layout of the hardened build's storage, which names no section. */
#define SC_STORAGE_MAPPING
#include "counter_storage.h"
#include "mapping_win32.h"
#include "options.h"
#include "sharedcounter.h"
#include "image.h"
#include "support.h"
#include "text_paths.h"

#define HARDENED_DLL "sharedcounter_hardened.dll"
#define SECTION_DLL "sharedcounter.dll"
#define PROBE_EXE "probe_counter.exe"

/* ---- helpers ----------------------------------------------------------- */

static PSID current_user(union sc_user_sid *user)
{
    assert_int_equal(sc__current_user(user), 0);
    return sc__user_sid(user);
}

/* The name the hardened DLL gives its mapping when loaded from dll_path. */
static void mapping_name_for(const char *dll_path,
                             WCHAR name[SC_MAPPING_NAME_SIZE])
{
    union sc_user_sid user;
    WCHAR wide[MAX_PATH];

    assert_true(MultiByteToWideChar(CP_ACP, 0, dll_path, -1, wide, MAX_PATH) >
                0);
    assert_int_equal(sc__mapping_name(wide, current_user(&user), name), 0);
}

/* ---- the children ------------------------------------------------------ */

static int add_main(const char *delta)
{
    int64_t seen = sc_get();
    printf("seen %lld now %lld\n", (long long)seen,
           (long long)sc_add(strtoll(delta, NULL, 10)));
    return 0;
}

/* The hardened DLL's storage, mapped here as the DLL maps it. */
static struct sc_shared_storage *hardened_storage(void)
{
    union sc_user_sid user;
    WCHAR path[MAX_PATH], name[SC_MAPPING_NAME_SIZE];

    if (GetModuleFileNameW(GetModuleHandleA(HARDENED_DLL), path, MAX_PATH) ==
            0 ||
        sc__current_user(&user) != 0 ||
        sc__mapping_name(path, sc__user_sid(&user), name) != 0)
        return NULL;
    HANDLE mapping = OpenFileMappingW(FILE_MAP_WRITE, FALSE, name);
    if (mapping == NULL)
        return NULL;
    void *view = MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, 0);
    CloseHandle(mapping);
    return view;
}

/* Another process of the user, or anyone who may create names in the
 * session, makes this process's doorbell (dll/wait_win32.c) first, with a
 * NULL DACL: the DLL must refuse to wait on it, as it refuses such a
 * mapping, rather than let others ring or watch it. */
static int wait_squatted_main(void)
{
    struct sc_shared_storage *storage = hardened_storage();
    char name[96];
    WCHAR wide[96];
    SECURITY_DESCRIPTOR open_to_all;

    if (storage == NULL)
        return 3;
    sc__compare_exchange64(&storage->waiters_id, 0, 0x5c5c5c5c5c5c5c5c);
    int64_t owner = 0;
    for (int i = 0; i < SC_PROCESS_SLOTS && owner == 0; i++)
        if ((uint32_t)storage->processes.slots[i].owner ==
            GetCurrentProcessId())
            owner = storage->processes.slots[i].owner;
    snprintf(name, sizeof name, "Local\\sharedcounter-wait-%016llx-%016llx",
             (unsigned long long)storage->waiters_id,
             (unsigned long long)owner);
    MultiByteToWideChar(CP_ACP, 0, name, -1, wide, 96);
    if (owner == 0 ||
        !InitializeSecurityDescriptor(&open_to_all,
                                      SECURITY_DESCRIPTOR_REVISION) ||
        !SetSecurityDescriptorDacl(&open_to_all, TRUE, NULL, FALSE))
        return 3;
    SECURITY_ATTRIBUTES sa = {sizeof sa, &open_to_all, FALSE};
    if (CreateEventW(&sa, FALSE, FALSE, wide) == NULL)
        return 3;
    int result = sc_wait(sc_get(), 50, NULL);
    printf("wait %d error %lu\n", result, (unsigned long)GetLastError());
    return 0;
}

/* ---- exports and sections ---------------------------------------------- */

static void exports_are_those_of_sharedcounter_dll(void **state)
{
    struct sc_test_image hardened, section;
    (void)state;

    sc__test_image_load(&hardened, NULL, HARDENED_DLL);
    sc__test_image_load(&section, NULL, SECTION_DLL);
    sc__test_assert_exports_api(&hardened);
    sc__test_assert_exports_api(&section);
    for (size_t i = 0; i < SC_API_COUNT; i++)
        assert_non_null(
            GetProcAddress(GetModuleHandleA(HARDENED_DLL), sc_api_names[i]));
    sc__test_image_free(&hardened);
    sc__test_image_free(&section);
}

static void has_no_shared_section(void **state)
{
    struct sc_test_image hardened, section;
    (void)state;

    sc__test_image_load(&hardened, NULL, HARDENED_DLL);
    sc__test_image_load(&section, NULL, SECTION_DLL);
    assert_true(sc__test_image_shares(&section)); /* the check can tell */
    assert_false(sc__test_image_shares(&hardened));
    sc__test_image_free(&hardened);
    sc__test_image_free(&section);
}

/* Nothing under the loader lock may pull in another module (user32, ole32,
 * ...): DllMain only calls what these already export. */
static void imports_only_kernel32_advapi32_and_the_c_runtime(void **state)
{
    struct sc_test_image hardened;
    (void)state;

    sc__test_image_load(&hardened, NULL, HARDENED_DLL);
    const struct sd_pe *pe = &hardened.parsed.pe;
    assert_true(pe->import_count > 0);
    for (size_t i = 0; i < pe->import_count; i++) {
        const char *name = pe->imports[i].name;
        if (_stricmp(name, "kernel32.dll") != 0 &&
            _stricmp(name, "advapi32.dll") != 0 &&
            _stricmp(name, "msvcrt.dll") != 0 &&
            _strnicmp(name, "api-ms-win-crt-", 15) != 0 &&
            _strnicmp(name, "vcruntime", 9) != 0)
            fail_msg("sharedcounter_hardened.dll imports %s", name);
    }
    sc__test_image_free(&hardened);
}

/* ---- sharing and security ---------------------------------------------- */

static void shares_between_processes_of_the_user(void **state)
{
    struct sc_child child;
    struct sc_child_output out;
    DWORD code = 1;
    long long seen, now;
    (void)state;

    int64_t mine = sc_add(1000);
    assert_int_equal(
        sc__child_start_self(&child, "--add 23", SC_CHILD_PIPE_OUTPUT), 0);
    assert_int_equal(sc__child_finish(&child, 30000, &code, &out), 0);
    sc__child_close(&child);
    assert_int_equal(code, 0);
    assert_int_equal(sscanf(out.out, "seen %lld now %lld", &seen, &now), 2);
    sc__child_output_free(&out);
    assert_int_equal(seen, mine);
    assert_int_equal(now, sc__wrapping_add(mine, 23));
    assert_int_equal(sc_get(), sc__wrapping_add(mine, 23));
}

/* Opens the mapping of the DLL this program loaded, proves it is the same
 * counter, and reads back its owner and DACL. */
static void mapping_admits_only_this_user(void **state)
{
    char path[MAX_PATH];
    WCHAR name[SC_MAPPING_NAME_SIZE];
    union sc_user_sid user;
    PSID me = current_user(&user), owner;
    PACL dacl;
    PSECURITY_DESCRIPTOR sd;
    ACCESS_ALLOWED_ACE *ace;
    (void)state;

    sc__test_path(path, sizeof path, NULL, HARDENED_DLL);
    mapping_name_for(path, name);
    HANDLE mapping =
        OpenFileMappingW(FILE_MAP_READ | READ_CONTROL, FALSE, name);
    assert_non_null(mapping);
    volatile LONG64 *view = MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, 0);
    assert_non_null(view);
    assert_int_equal(*view, sc_get());
    int64_t incremented = sc_increment();
    assert_int_equal(*view, incremented);

    assert_int_equal(
        GetSecurityInfo(mapping, SE_KERNEL_OBJECT,
                        OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                        &owner, NULL, &dacl, NULL, &sd),
        ERROR_SUCCESS);
    assert_non_null(owner);
    assert_true(EqualSid(owner, me));
    assert_non_null(dacl);
    assert_int_equal(dacl->AceCount, 1);
    assert_true(GetAce(dacl, 0, (void **)&ace));
    assert_int_equal(ace->Header.AceType, ACCESS_ALLOWED_ACE_TYPE);
    assert_true(EqualSid((PSID)&ace->SidStart, me));
    assert_int_equal(ace->Mask, FILE_MAP_ALL_ACCESS);
    LocalFree(sd);
    UnmapViewOfFile((void *)view);
    CloseHandle(mapping);
}

/* ---- squatting --------------------------------------------------------- */

/* Descriptors someone else might put on the name before us. */
enum squat { NULL_DACL, EXTRA_ACE, FOREIGN_OWNER, SQUAT_KINDS };

static PSID everyone(void)
{
    static SID_IDENTIFIER_AUTHORITY world = {SECURITY_WORLD_SID_AUTHORITY};
    static PSID sid;
    if (sid == NULL)
        assert_true(AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0,
                                             0, 0, 0, 0, 0, 0, &sid));
    return sid;
}

/* Creates the mapping name first, with the given kind of descriptor.
 * Returns NULL if the system refuses to make such an object at all. */
static HANDLE squat_on(const WCHAR *name, enum squat kind, PSID me)
{
    SECURITY_DESCRIPTOR sd;
    union {
        ACL acl;
        BYTE bytes[256];
    } dacl;

    assert_true(
        InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
    assert_true(InitializeAcl(&dacl.acl, sizeof dacl, ACL_REVISION));
    assert_true(
        AddAccessAllowedAce(&dacl.acl, ACL_REVISION, FILE_MAP_ALL_ACCESS, me));
    if (kind == EXTRA_ACE)
        assert_true(AddAccessAllowedAce(&dacl.acl, ACL_REVISION,
                                        FILE_MAP_ALL_ACCESS, everyone()));
    assert_true(SetSecurityDescriptorDacl(
        &sd, TRUE, kind == NULL_DACL ? NULL : &dacl.acl, FALSE));
    assert_true(SetSecurityDescriptorOwner(
        &sd, kind == FOREIGN_OWNER ? everyone() : me, FALSE));
    SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
    HANDLE squat = CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE,
                                      0, 4096, name);
    if (squat == NULL)
        assert_int_equal(GetLastError(), ERROR_INVALID_OWNER);
    else
        assert_int_equal(GetLastError(), 0);
    return squat;
}

static void squatted_names_are_refused(void **state)
{
    static const char *const kinds[] = {"NULL DACL", "extra ACE for Everyone",
                                        "owner Everyone"};
    const char *dir = *state;
    char dll[MAX_PATH];
    WCHAR name[SC_MAPPING_NAME_SIZE];
    union sc_user_sid user;

    sc__test_copy(HARDENED_DLL, dir, "squat_target.dll");
    sc__test_path(dll, sizeof dll, dir, "squat_target.dll");
    mapping_name_for(dll, name);
    for (int kind = 0; kind < SQUAT_KINDS; kind++) {
        HANDLE squat = squat_on(name, kind, current_user(&user));
        if (squat == NULL) {
            /* Windows lets nobody but an administrator give away ownership,
             * which is exactly why the owner check is sound. */
            printf("[ INFO     ] squat with %s: the system refused to create "
                   "it\n",
                   kinds[kind]);
            continue;
        }
        SetLastError(0);
        HMODULE loaded = LoadLibraryA(dll);
        if (loaded != NULL)
            fail_msg("loaded in spite of a squat with %s", kinds[kind]);
        assert_int_equal(GetLastError(), ERROR_DLL_INIT_FAILED);
        CloseHandle(squat);
    }
    /* Once the name is free, the same file loads, starts a counter of its
     * own at 0, and takes the name with it when unloaded. */
    HMODULE loaded = LoadLibraryA(dll);
    assert_non_null(loaded);
    int64_t (*increment)(void) =
        (int64_t(*)(void))sc__find_function(loaded, "sc_increment");
    assert_non_null(increment);
    assert_int_equal(increment(), 1);
    assert_true(FreeLibrary(loaded));
    assert_null(OpenFileMappingW(FILE_MAP_READ, FALSE, name));
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
}

static void squatted_doorbell_is_refused(void **state)
{
    struct sc_child child;
    struct sc_child_output out;
    DWORD code = 1;
    int result = 0;
    unsigned long error = 0;
    (void)state;

    assert_int_equal(
        sc__child_start_self(&child, "--wait-squatted", SC_CHILD_PIPE_OUTPUT),
        0);
    assert_int_equal(sc__child_finish(&child, 30000, &code, &out), 0);
    sc__child_close(&child);
    assert_int_equal(code, 0);
    if (sscanf(out.out, "wait %d error %lu", &result, &error) != 2)
        fail_msg("the child said: %s%s", out.out, out.err);
    sc__child_output_free(&out);
    assert_int_equal(result, -1);
    assert_true(error == ERROR_INVALID_SECURITY_DESCR ||
                error == ERROR_INVALID_OWNER);
}

/* ---- in place of sharedcounter.dll ------------------------------------- */

/* Fills dir with probe_counter.exe (linked against sharedcounter.dll) and
 * the hardened DLL under the name sharedcounter.dll; name is its mapping's. */
static void make_probe_folder(const char *dir, char *probe,
                              WCHAR name[SC_MAPPING_NAME_SIZE])
{
    char dll[MAX_PATH];

    sc__test_copy(PROBE_EXE, dir, PROBE_EXE);
    sc__test_copy(HARDENED_DLL, dir, SECTION_DLL);
    sc__test_path(probe, MAX_PATH, dir, PROBE_EXE);
    sc__test_path(dll, sizeof dll, dir, SECTION_DLL);
    mapping_name_for(dll, name);
}

static void runs_in_place_of_sharedcounter_dll(void **state)
{
    char probe[MAX_PATH], line[128], expected[128];
    WCHAR name[SC_MAPPING_NAME_SIZE];
    struct sc_child child;
    struct sc_child_output out;
    DWORD code = 1;
    long long value;
    unsigned version;

    make_probe_folder(*state, probe, name);
    assert_int_equal(
        sc__child_start_in_job(&child, probe, NULL,
                               SC_CHILD_PIPE_STDIN | SC_CHILD_PIPE_OUTPUT),
        0);
    assert_int_equal(sc__child_read_line(&child, line, sizeof line), 0);
    assert_int_equal(sscanf(line, "version %x value %lld", &version, &value),
                     2);
    assert_int_equal(version, SC_VERSION_HEX);

    /* Only the hardened DLL makes this mapping, and the probe's counter is
     * in it: an update made here is what the probe reads next. */
    HANDLE mapping = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    assert_non_null(mapping);
    volatile LONG64 *view = MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, 0);
    assert_non_null(view);
    assert_int_equal(*view, value);
    InterlockedIncrement64(view);
    UnmapViewOfFile((void *)view);
    CloseHandle(mapping);

    assert_int_equal(sc__child_finish(&child, 30000, &code, &out), 0);
    sc__child_close(&child);
    assert_int_equal(code, 0);
    snprintf(expected, sizeof expected, "value %lld\r\n",
             (long long)sc__wrapping_add(value, 1));
    assert_string_equal(out.out, expected);
    sc__child_output_free(&out);
}

/* How a program linked against the DLL sees a refused load: it does not
 * start, and exits with STATUS_DLL_INIT_FAILED. */
static void a_client_of_a_refused_dll_exits_with_init_failed(void **state)
{
    char probe[MAX_PATH];
    WCHAR name[SC_MAPPING_NAME_SIZE];
    union sc_user_sid user;
    struct sc_child child;
    struct sc_child_output out;
    DWORD code = 0;

    make_probe_folder(*state, probe, name);
    HANDLE squat = squat_on(name, NULL_DACL, current_user(&user));
    assert_non_null(squat);
    assert_int_equal(
        sc__child_start_in_job(&child, probe, NULL, SC_CHILD_PIPE_OUTPUT), 0);
    assert_int_equal(sc__child_finish(&child, 30000, &code, &out), 0);
    sc__child_close(&child);
    printf("[ INFO     ] exit code 0x%08lX, stdout \"%s\"\n",
           (unsigned long)code, out.out);
    assert_int_equal(code, (DWORD)STATUS_DLL_INIT_FAILED);
    assert_string_equal(out.out, "");
    sc__child_output_free(&out);
    CloseHandle(squat);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--add") == 0)
        return add_main(argv[2]);
    if (argc == 2 && strcmp(argv[1], "--wait-squatted") == 0)
        return wait_squatted_main();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exports_are_those_of_sharedcounter_dll),
        cmocka_unit_test(has_no_shared_section),
        cmocka_unit_test(imports_only_kernel32_advapi32_and_the_c_runtime),
        cmocka_unit_test(shares_between_processes_of_the_user),
        cmocka_unit_test(mapping_admits_only_this_user),
        SC_TEST_WITH_FOLDER(squatted_names_are_refused),
        cmocka_unit_test(squatted_doorbell_is_refused),
        SC_TEST_WITH_FOLDER(runs_in_place_of_sharedcounter_dll),
        SC_TEST_WITH_FOLDER(a_client_of_a_refused_dll_exits_with_init_failed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
