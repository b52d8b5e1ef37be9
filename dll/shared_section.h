/*
 * SC_SHARED_BEGIN / SC_SHARED_END / SC_SHARED put the variables defined
 * between them where every process that loads the same image file shares
 * them:
 *
 *     SC_SHARED_BEGIN
 *     SC_SHARED static _Alignas(8) sc__atomic64 counter = 0;
 *     SC_SHARED_END
 *
 * Windows shares a section flagged Shared by itself: the variables go into
 * the image's ".shared" section, which the linker marks
 * Initialized Data | Shared | Read | Write (0xD0000040). ELF has no such
 * flag: on Linux the variables go into a section of their own that a
 * constructor maps over with a shared-memory object named after the image
 * file (shared_section_posix.c).
 *
 * Always give the variables an initializer: compilers send zero-initialized
 * data to .bss, outside the section, where it would be private again.
 *
 * Other files of the same image declare such a variable with
 * SC_SHARED_EXTERN instead of extern: the compiler then addresses it
 * relative to the code, as it does in the defining file, instead of loading
 * its address from a slot (a GOT entry on ELF, a .refptr on MinGW) that
 * exists in case the variable is in another image.
 */
#ifndef SC_SHARED_SECTION_H
#define SC_SHARED_SECTION_H

#if defined(_WIN32) && defined(__GNUC__) && !defined(__clang__)

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

#elif defined(_WIN32)

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

#else /* ELF */

/* The section "sc_shared": the linker script sc_shared.ld aligns it to a
 * page and pads it to whole pages, after .data and so outside RELRO; a C
 * identifier as its name makes the linker define __start_sc_shared and
 * __stop_sc_shared. When the image loads, shared_section_posix.c maps a
 * POSIX shared-memory object over those pages, one object per image file
 * and user. An image that uses SC_SHARED links the CMake target
 * sc_shared_section, which brings both. */
#define SC_SHARED_BEGIN
#define SC_SHARED_END
#define SC_SHARED __attribute__((section("sc_shared")))

/* In position-independent code an extern variable of default visibility
 * could be another image's or interposed, so its address comes from the
 * GOT; a hidden one is this image's, at a link-time offset from the code. */
#define SC_SHARED_EXTERN extern __attribute__((visibility("hidden")))

/* open(path, flags | O_CLOEXEC), with a descriptor above the standard
 * three, which it never takes even for a moment (shared_section_posix.c):
 * every file the image opens is opened through it. Returns the descriptor,
 * or -1 with errno set. */
int sc__open_above_stdio(const char *path, int flags)
    __attribute__((visibility("hidden")));

#endif

#endif /* SC_SHARED_SECTION_H */
