/*
 * SC_SHARED on ELF: the variables go into the section "sc_shared". The
 * linker script sc_shared.ld aligns it to a page and pads it to whole pages,
 * after .data and so outside RELRO; a C identifier as its name makes the
 * linker define __start_sc_shared and __stop_sc_shared. When the image
 * loads, shared_section_posix.c maps a POSIX shared-memory object over those
 * pages, one object per image file and user. An image that uses SC_SHARED
 * links the CMake target sc_shared_section, which brings both.
 */
#ifndef SC_SHARED_SECTION_POSIX_H
#define SC_SHARED_SECTION_POSIX_H

#define SC_SHARED_BEGIN
#define SC_SHARED_END
#define SC_SHARED __attribute__((section("sc_shared")))

/* In position-independent code an extern variable of default visibility
 * could be another image's or interposed, so its address comes from the
 * GOT; a hidden one is this image's, at a link-time offset from the code. */
#define SC_SHARED_EXTERN extern __attribute__((visibility("hidden")))

/* fd, moved above the standard descriptors (shared_section_posix.c):
 * every descriptor the image opens goes through it. */
int sc__fd_above_stdio(int fd) __attribute__((visibility("hidden")));

#endif /* SC_SHARED_SECTION_POSIX_H */
