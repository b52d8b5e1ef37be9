# What "cmake --install" and "make package" lay out (docs/using.md, docs/linux.md).
#
# Windows, the usual SDK shape: bin/ (both DLLs), include/, lib/ (import
# libraries in MinGW's and in Microsoft's format, the CMake package, the
# pkg-config file), and README, LICENSE, docs/, examples/ and the MinGW
# toolchain file that their recipes use at the top.
# Linux, the usual Unix shape: lib/ (libsharedcounter.so.X.Y.Z, its SONAME
# link and its development link, the CMake package, the pkg-config file),
# include/, bin/ (the programs), and share/doc/sharedcounter/ (README,
# LICENSE, docs/, examples/, the toolchain file).
#
# All of it is the component "sdk". The shipped binaries are stripped; the
# debug information of each is the component "debug", a <file>.debug beside
# it that its .gnu_debuglink names, installed only on request
# (--component debug) and packaged apart. On Windows, sectiondump installs
# apart from the SDK (no component).
#
# Within a project that adds this one, only the library installs (with its
# header, CMake package and pkg-config file): no programs, documents or
# packages.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

if(WIN32)
    set(sc_docdir .)
else()
    set(sc_docdir ${CMAKE_INSTALL_DOCDIR})
endif()

# Installs target into destination (component sdk), stripped of its debug
# information, which goes to <file>.debug beside it (component debug):
# objcopy keeps it at build time (target <target>_debug), and the installed
# copy names it in a .gnu_debuglink section (with its CRC), where gdb looks
# for it. MSVC keeps its debug information in a .pdb of its own and has no
# objcopy.
function(sc_install_binary target destination)
    install(TARGETS ${target} ${ARGN}
            RUNTIME DESTINATION ${destination} COMPONENT sdk
            LIBRARY DESTINATION ${destination} COMPONENT sdk
                    NAMELINK_COMPONENT sdk)
    if(MSVC)
        return()
    endif()
    set(debug $<TARGET_FILE:${target}>.debug)
    set(stamp ${PROJECT_BINARY_DIR}/debug-info/${target}.stamp)
    file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/debug-info)
    add_custom_command(OUTPUT ${stamp}
        COMMAND ${CMAKE_OBJCOPY} --only-keep-debug $<TARGET_FILE:${target}>
                ${debug}
        COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
        DEPENDS ${target}
        VERBATIM)
    add_custom_target(${target}_debug ALL DEPENDS ${stamp})
    install(CODE "execute_process(COMMAND \"${CMAKE_OBJCOPY}\" --strip-unneeded
            \"--add-gnu-debuglink=${debug}\"
            \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${destination}/$<TARGET_FILE_NAME:${target}>\"
            COMMAND_ERROR_IS_FATAL ANY)"
            COMPONENT sdk)
    install(FILES ${debug} DESTINATION ${destination} COMPONENT debug
            EXCLUDE_FROM_ALL)
endfunction()

# An import library in Microsoft's format (for link.exe and lld-link), made
# from the target's own .def file: MinGW's linkers write only their own
# format, while MSVC's linker writes this one itself.
function(sc_add_msvc_import_library target)
    get_target_property(sources ${target} SOURCES)
    get_target_property(source_dir ${target} SOURCE_DIR)
    list(FILTER sources INCLUDE REGEX "\\.def$")
    cmake_path(ABSOLUTE_PATH sources BASE_DIRECTORY ${source_dir}
               OUTPUT_VARIABLE def)
    set(lib ${PROJECT_BINARY_DIR}/lib/${target}.lib)
    file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/lib)
    add_custom_command(OUTPUT ${lib}
        COMMAND ${SC_LLVM_DLLTOOL} -m i386:x86-64 -d ${def} -l ${lib}
        DEPENDS ${def}
        COMMENT "Making ${target}.lib, the import library for link.exe"
        VERBATIM)
    add_custom_target(${target}_msvc_lib ALL DEPENDS ${lib})
    install(FILES ${lib} DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk)
endfunction()

if(NOT TARGET sharedcounter)
    return()
endif()

if(WIN32)
    set(sc_libraries sharedcounter sharedcounter_hardened)
    set(sc_library_dir ${CMAKE_INSTALL_BINDIR})
else()
    set(sc_libraries sharedcounter)
    set(sc_library_dir ${CMAKE_INSTALL_LIBDIR})
endif()

foreach(library IN LISTS sc_libraries)
    sc_install_binary(${library} ${sc_library_dir}
        EXPORT SharedCounterTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk
        PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT sdk)
endforeach()
install(EXPORT SharedCounterTargets
        NAMESPACE SharedCounter::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter
        COMPONENT sdk)
if(WIN32 AND NOT MSVC)
    find_program(SC_LLVM_DLLTOOL NAMES llvm-dlltool llvm-dlltool-14 REQUIRED)
    sc_add_msvc_import_library(sharedcounter)
    sc_add_msvc_import_library(sharedcounter_hardened)
endif()

configure_package_config_file(
    ${PROJECT_SOURCE_DIR}/cmake/SharedCounterConfig.cmake.in
    ${PROJECT_BINARY_DIR}/SharedCounterConfig.cmake
    INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter)
# Not write_basic_package_version_file: none of its rules accepts a request
# for every version whose ABI this one keeps (SC_ABI_SINCE) and no older.
configure_file(${PROJECT_SOURCE_DIR}/cmake/SharedCounterConfigVersion.cmake.in
               ${PROJECT_BINARY_DIR}/SharedCounterConfigVersion.cmake @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/SharedCounterConfig.cmake
              ${PROJECT_BINARY_DIR}/SharedCounterConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter
        COMPONENT sdk)

# ${pcfiledir} keeps the file true wherever the tree is unpacked. A client
# of the DLL declares the functions dllimport (SC_USING_DLL); on Linux the
# header needs nothing.
if(WIN32)
    set(sc_pc_cflags " -DSC_USING_DLL")
else()
    set(sc_pc_cflags "")
endif()
set(sc_pc_prefix /)
cmake_path(RELATIVE_PATH sc_pc_prefix
           BASE_DIRECTORY /${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/sharedcounter.pc @ONLY
     CONTENT [=[prefix=${pcfiledir}/@sc_pc_prefix@
bindir=${prefix}/@CMAKE_INSTALL_BINDIR@
includedir=${prefix}/@CMAKE_INSTALL_INCLUDEDIR@
libdir=${prefix}/@CMAKE_INSTALL_LIBDIR@

Name: sharedcounter
Description: @PROJECT_DESCRIPTION@
Version: @PROJECT_VERSION@
Cflags: -I${includedir}@sc_pc_cflags@
Libs: -L${libdir} -lsharedcounter
]=])
install(FILES ${PROJECT_BINARY_DIR}/sharedcounter.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT sdk)

if(NOT PROJECT_IS_TOP_LEVEL)
    return()
endif()

if(WIN32)
    install(TARGETS sectiondump RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
else()
    # The library's clients find it in ../lib wherever the tree is moved
    # (counter_dynamic through dlopen); counter_demo starts the worker and
    # the baseline from its own folder.
    set(sc_clients counter_client counter_dynamic counter_worker
        counter_wait counter_demo counter_watch counter_export
        counter_bench_native)
    cmake_path(RELATIVE_PATH CMAKE_INSTALL_LIBDIR
               BASE_DIRECTORY ${CMAKE_INSTALL_BINDIR} OUTPUT_VARIABLE sc_rpath)
    set_target_properties(${sc_clients} PROPERTIES
        INSTALL_RPATH "$ORIGIN/${sc_rpath}")
    foreach(program IN LISTS sc_clients ITEMS private_counter
            shared_exe_counter sectiondump)
        sc_install_binary(${program} ${CMAKE_INSTALL_BINDIR})
    endforeach()
endif()

# The documents, and what their recipes use: the examples and the
# toolchain file of the cross builds.
install(FILES README.md LICENSE DESTINATION ${sc_docdir} COMPONENT sdk)
install(DIRECTORY docs/ DESTINATION ${sc_docdir}/docs COMPONENT sdk)
# What running an example leaves in the source tree (Python's bytecode
# cache) is not part of it.
install(DIRECTORY examples/ DESTINATION ${sc_docdir}/examples COMPONENT sdk
        PATTERN __pycache__ EXCLUDE)
install(FILES cmake/mingw-gcc.cmake DESTINATION ${sc_docdir}/cmake
        COMPONENT sdk)
if(NOT WIN32)
    # The documents link the header as include/sharedcounter.h beside
    # README.md: a relative link to the installed one.
    cmake_path(RELATIVE_PATH CMAKE_INSTALL_INCLUDEDIR
               BASE_DIRECTORY ${sc_docdir}/include OUTPUT_VARIABLE sc_to_include)
    install(CODE "
        set(dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${sc_docdir}/include\")
        file(MAKE_DIRECTORY \"\${dir}\")
        file(CREATE_LINK ${sc_to_include}/sharedcounter.h
             \"\${dir}/sharedcounter.h\" SYMBOLIC)"
        COMPONENT sdk)
endif()

# The packages: the sdk component, and the debug component as a package of
# its own (-dbg) that unpacks over it.
# Where the package target writes the packages; the presets put them all in
# build/, beside the trees.
set(SC_PACKAGE_DIR ${PROJECT_BINARY_DIR} CACHE PATH
    "Where 'cmake --build ... --target package' writes the packages")
set(CPACK_PACKAGE_DIRECTORY ${SC_PACKAGE_DIR})
set(CPACK_PACKAGE_NAME sharedcounter)
set(CPACK_PACKAGE_VENDOR "the sharedcounter authors")
set(CPACK_PACKAGE_CONTACT "the sharedcounter authors <sharedcounter@localhost>")
set(CPACK_COMPONENTS_ALL sdk debug)
set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
# An archive unpacks into one folder named after it; a .deb, from the root
# (cmake/cpack_options.cmake).
set(CPACK_COMPONENT_INCLUDE_TOPLEVEL_DIRECTORY ON)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/cpack_options.cmake)
if(WIN32)
    set(CPACK_GENERATOR ZIP)
    set(sc_package sharedcounter-${PROJECT_VERSION}-win64)
else()
    set(CPACK_GENERATOR TGZ DEB)
    string(TOLOWER ${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR} sc_system)
    set(sc_package sharedcounter-${PROJECT_VERSION}-${sc_system})
endif()
set(CPACK_PACKAGE_FILE_NAME ${sc_package})
set(CPACK_ARCHIVE_SDK_FILE_NAME ${sc_package})
set(CPACK_ARCHIVE_DEBUG_FILE_NAME ${sc_package}-dbg)

# Debian: sharedcounter (the library, its programs and everything to build
# against it; its dependencies from dpkg-shlibdeps) and sharedcounter-dbg.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_SDK_PACKAGE_NAME sharedcounter)
set(CPACK_DEBIAN_SDK_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_DEBUG_PACKAGE_NAME sharedcounter-dbg)
set(CPACK_DEBIAN_DEBUG_PACKAGE_SECTION debug)
set(CPACK_DEBIAN_DEBUG_PACKAGE_DEPENDS "sharedcounter (= ${PROJECT_VERSION})")
set(CPACK_COMPONENT_SDK_DESCRIPTION
    "${PROJECT_DESCRIPTION}: the library, its programs, header, CMake and pkg-config files")
set(CPACK_COMPONENT_DEBUG_DESCRIPTION
    "Debug information of the sharedcounter library and programs")
include(CPack)

# The packages' listings against the layouts above, the links of their
# documents, and on Linux tests/consumer built against the installed tree
# and against the unpacked .deb, with the version requests that each must
# answer and refuse (SharedCounterConfigVersion.cmake).
if(BUILD_TESTING AND NOT MSVC)
    set(sc_package_test ${PROJECT_BINARY_DIR}/package-test)
    add_test(NAME package_listing
             COMMAND ${CMAKE_COMMAND}
                     -DCPACK_CONFIG=${PROJECT_BINARY_DIR}/CPackConfig.cmake
                     -DOUT=${sc_package_test} -DPACKAGE=${sc_package}
                     -DVERSION=${PROJECT_VERSION} -DSOURCE=${PROJECT_SOURCE_DIR}
                     -DOBJDUMP=${CMAKE_OBJDUMP}
                     -P ${PROJECT_SOURCE_DIR}/tests/package_listing.cmake)
    add_test(NAME package_links
             COMMAND ${CMAKE_COMMAND} -DOUT=${sc_package_test}
                     -DPACKAGE=${sc_package}
                     -P ${PROJECT_SOURCE_DIR}/tests/package_links.cmake)
    set_tests_properties(package_listing PROPERTIES FIXTURES_SETUP packages)
    set(sc_package_tests package_links)
    if(NOT WIN32)
        foreach(from install deb)
            add_test(NAME consumer_${from}
                     COMMAND ${CMAKE_COMMAND} -DFROM=${from}
                             -DBUILD=${PROJECT_BINARY_DIR}
                             -DDEB=${sc_package_test}/sharedcounter_${PROJECT_VERSION}_amd64.deb
                             -DOUT=${PROJECT_BINARY_DIR}/consumer-${from}
                             -DSOURCE=${PROJECT_SOURCE_DIR}
                             -DCC=${CMAKE_C_COMPILER}
                             -DVERSION=${PROJECT_VERSION}
                             -P ${PROJECT_SOURCE_DIR}/tests/consumer_installed.cmake)
        endforeach()
        list(APPEND sc_package_tests consumer_deb)
    endif()
    set_tests_properties(${sc_package_tests} PROPERTIES
        FIXTURES_REQUIRED packages)
endif()
