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

/* GCC ignores visibility on PE (with a warning). Under its default medium
 * code model it loads the address of every extern variable from a .refptr
 * slot, so that the linker may auto-import the variable from another DLL;
 * -mcmodel=small, which the images that use this set (dll/CMakeLists.txt),
 * addresses extern variables relative to the code instead. */
#define SC_SHARED_EXTERN extern

#else

/* MSVC, and clang with -fms-extensions (lld honours the directive). clang
 * without -fms-extensions drops both pragmas; the build turns that into an
 * error with -Werror=unknown-pragmas, and the tests check the built flags. */
#pragma comment(linker, "/section:.shared,RWS")
#define SC_SHARED_BEGIN _Pragma("data_seg(\".shared\")")
#define SC_SHARED_END _Pragma("data_seg()")
#define SC_SHARED

/* clang on MinGW gives an extern variable a .refptr slot, for auto-import,
 * unless it is hidden and so known to be in this image. MSVC never needs the
 * slot: it imports only what is declared dllimport. */
#if defined(__clang__)
#define SC_SHARED_EXTERN extern __attribute__((visibility("hidden")))
#else
#define SC_SHARED_EXTERN extern
#endif

#endif

#endif /* SC_SHARED_SECTION_WIN32_H */
