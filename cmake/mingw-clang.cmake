# Cross-compile for 64-bit Windows with clang and lld, on the MinGW-w64
# headers, import libraries and libgcc.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(SC_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET x86_64-w64-windows-gnu)
set(CMAKE_RC_COMPILER ${SC_MINGW_TRIPLE}-windres)

# Without -fms-extensions clang silently drops "#pragma data_seg" and
# "#pragma comment(linker, ...)", and the shared section never exists.
set(CMAKE_C_FLAGS_INIT "-fms-extensions")

# The win32-threads flavour of libgcc keeps winpthread out of every image.
set(SC_LIBGCC_DIR /usr/lib/gcc/${SC_MINGW_TRIPLE}/12-win32)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -static-libgcc -L${SC_LIBGCC_DIR}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-fuse-ld=lld -static-libgcc -L${SC_LIBGCC_DIR}")

set(CMAKE_FIND_ROOT_PATH /usr/${SC_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
