# Installs the SDK in the usual Windows shape: bin/ (both DLLs), include/,
# lib/ (import libraries in MinGW's and in Microsoft's format, the CMake
# package, the pkg-config file), and README, LICENSE and docs/ at the top.
# All of it is the component "sdk"; other programs of the tree (sectiondump)
# install apart from it. "make package" zips the same tree with CPack.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

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

# The SDK is Windows-shaped; Linux's libsharedcounter.so is not packaged yet
# (docs/linux.md).
if(TARGET sharedcounter AND WIN32)
    install(TARGETS sharedcounter sharedcounter_hardened
            EXPORT SharedCounterTargets
            RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sdk
            LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk
            ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk
            PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
                          COMPONENT sdk)
    install(EXPORT SharedCounterTargets
            NAMESPACE SharedCounter::
            DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter
            COMPONENT sdk)
    if(NOT MSVC)
        find_program(SC_LLVM_DLLTOOL NAMES llvm-dlltool llvm-dlltool-14
                     REQUIRED)
        sc_add_msvc_import_library(sharedcounter)
        sc_add_msvc_import_library(sharedcounter_hardened)
    endif()

    configure_package_config_file(
        ${PROJECT_SOURCE_DIR}/cmake/SharedCounterConfig.cmake.in
        ${PROJECT_BINARY_DIR}/SharedCounterConfig.cmake
        INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter)
    write_basic_package_version_file(
        ${PROJECT_BINARY_DIR}/SharedCounterConfigVersion.cmake
        COMPATIBILITY SameMinorVersion)
    install(FILES ${PROJECT_BINARY_DIR}/SharedCounterConfig.cmake
                  ${PROJECT_BINARY_DIR}/SharedCounterConfigVersion.cmake
            DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter
            COMPONENT sdk)

    # ${pcfiledir} keeps the file true wherever the tree is unpacked.
    file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/sharedcounter.pc @ONLY
         CONTENT [=[prefix=${pcfiledir}/../..
bindir=${prefix}/bin
includedir=${prefix}/include
libdir=${prefix}/lib

Name: sharedcounter
Description: @PROJECT_DESCRIPTION@
Version: @PROJECT_VERSION@
Cflags: -I${includedir} -DSC_USING_DLL
Libs: -L${libdir} -lsharedcounter
]=])
    install(FILES ${PROJECT_BINARY_DIR}/sharedcounter.pc
            DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT sdk)

    install(FILES README.md LICENSE DESTINATION . COMPONENT sdk)
    install(DIRECTORY docs/ DESTINATION docs COMPONENT sdk)

    set(CPACK_GENERATOR ZIP)
    set(CPACK_PACKAGE_NAME sharedcounter)
    set(CPACK_PACKAGE_VENDOR "the sharedcounter authors")
    set(CPACK_PACKAGE_FILE_NAME sharedcounter-${PROJECT_VERSION}-win64)
    set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};sharedcounter;sdk;/")
    include(CPack)
endif()

# The release zip's listing, checked against the layout above.
if(BUILD_TESTING AND TARGET sharedcounter AND WIN32 AND NOT MSVC)
    add_test(NAME package_listing
             COMMAND ${CMAKE_COMMAND}
                     -DCPACK_CONFIG=${PROJECT_BINARY_DIR}/CPackConfig.cmake
                     -DOUT=${PROJECT_BINARY_DIR}/package-test
                     -DVERSION=${PROJECT_VERSION}
                     -DDOCS=${PROJECT_SOURCE_DIR}/docs
                     -P ${PROJECT_SOURCE_DIR}/tests/package_listing.cmake)
endif()
