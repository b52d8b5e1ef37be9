/*
 * SC_SHARED on Windows: SC_SHARED_BEGIN / SC_SHARED_END / SC_SHARED place
 * the variables defined between them in the image's ".shared" section, which
 * the linker marks
 * Initialized Data | Shared | Read | Write (0xD0000040). Windows maps a shared
 * section once for every process that loads the same image file.
 */
#ifndef SC_SHARED_SECTION_WIN32_H
#define SC_SHARED_SECTION_WIN32_H

#if defined(__GNUC__) && !defined(__clang__)

/* GNU ld ignores "/section:" linker directives (it only warns), so with GCC
 * the variable carries the section and its "shared" flag itself. */
#define SC_SHARED_BEGIN
#define SC_SHARED_END
#define SC_SHARED __attribute__((section(".shared"), shared))

#else

/* MSVC, and clang with -fms-extensions (lld honours the directive). clang
 * without -fms-extensions drops both pragmas; the build turns that into an
 * error with -Werror=unknown-pragmas, and the tests check the built flags. */
#pragma comment(linker, "/section:.shared,RWS")
#define SC_SHARED_BEGIN _Pragma("data_seg(\".shared\")")
#define SC_SHARED_END _Pragma("data_seg()")
#define SC_SHARED

#endif

#endif /* SC_SHARED_SECTION_WIN32_H */
