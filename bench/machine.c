/* The machine the benchmark runs on; see machine.h. */
#include "machine.h"

#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "find_function.h"

typedef const char *(*wine_version_fn)(void);
typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);

static void cpu_name(char *buf, DWORD size)
{
    DWORD got = size;

    if (RegGetValueA(HKEY_LOCAL_MACHINE,
                     "HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0",
                     "ProcessorNameString", RRF_RT_REG_SZ, NULL, buf,
                     &got) != ERROR_SUCCESS)
        snprintf(buf, size, "unknown CPU");
}

static sc__any_fn ntdll_function(const char *name)
{
    return sc__find_function(GetModuleHandleA("ntdll.dll"), name);
}

/* Wine's ntdll tells its version; Windows' own RtlGetVersion tells the
 * truth where GetVersionEx may not. */
static void system_name(char *buf, size_t size)
{
    wine_version_fn wine_version =
        (wine_version_fn)ntdll_function("wine_get_version");
    rtl_get_version_fn rtl_get_version =
        (rtl_get_version_fn)ntdll_function("RtlGetVersion");
    OSVERSIONINFOW version;

    memset(&version, 0, sizeof version);
    version.dwOSVersionInfoSize = sizeof version;
    if (wine_version != NULL)
        snprintf(buf, size, "Wine %s", wine_version());
    else if (rtl_get_version != NULL && rtl_get_version(&version) == 0)
        snprintf(buf, size, "Windows %lu.%lu.%lu",
                 (unsigned long)version.dwMajorVersion,
                 (unsigned long)version.dwMinorVersion,
                 (unsigned long)version.dwBuildNumber);
    else
        snprintf(buf, size, "Windows");
}

const char *sc__bench_machine(char *buf, size_t size)
{
    char cpu[128], system[64];
    SYSTEM_INFO info;

    cpu_name(cpu, sizeof cpu);
    system_name(system, sizeof system);
    GetSystemInfo(&info);
    snprintf(buf, size, "%s, %lu CPUs, %s", cpu,
             (unsigned long)info.dwNumberOfProcessors, system);
    return buf;
}
