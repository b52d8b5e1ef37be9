# Cross-compile for 64-bit Windows with the MinGW-w64 GCC toolchain.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(SC_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${SC_MINGW_TRIPLE}-gcc)
set(CMAKE_RC_COMPILER ${SC_MINGW_TRIPLE}-windres)

# Windows has no libgcc DLL: link it statically so the programs run anywhere.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc")

set(CMAKE_FIND_ROOT_PATH /usr/${SC_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
