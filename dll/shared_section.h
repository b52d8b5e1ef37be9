/*
 * SC_SHARED_BEGIN / SC_SHARED_END / SC_SHARED put the variables defined
 * between them where every process that loads the same image file shares
 * them:
 *
 *     SC_SHARED_BEGIN
 *     SC_SHARED static _Alignas(8) sc__atomic64 counter = 0;
 *     SC_SHARED_END
 *
 * Windows shares a section flagged Shared by itself (shared_section_win32.h).
 * ELF has no such flag: on Linux the variables go into a section of their
 * own that a constructor maps over with a shared-memory object named after
 * the image file (shared_section_posix.h, shared_section_posix.c).
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

#if defined(_WIN32)
#include "shared_section_win32.h"
#else
#include "shared_section_posix.h"
#endif

#endif /* SC_SHARED_SECTION_H */
