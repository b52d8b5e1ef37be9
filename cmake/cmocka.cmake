# Provides the imported target cmocka::cmocka for the tests.
#
# Cross builds compile cmocka from source for the target (Debian packages it
# for Linux only): SC_CMOCKA_SOURCE_DIR points at the unpacked source package,
# which scripts/install-deps.sh fetches with "apt-get source cmocka". It is
# linked statically, so the test programs need no cmocka DLL at run time.
# Native builds use the system's cmocka.
if(NOT CMAKE_CROSSCOMPILING)
    find_package(cmocka REQUIRED CONFIG)
    if(NOT TARGET cmocka::cmocka)
        add_library(cmocka::cmocka INTERFACE IMPORTED)
        target_link_libraries(cmocka::cmocka INTERFACE ${CMOCKA_LIBRARIES})
        target_include_directories(cmocka::cmocka INTERFACE ${CMOCKA_INCLUDE_DIR})
    endif()
    return()
endif()

set(SC_CMOCKA_SOURCE_DIR "${PROJECT_SOURCE_DIR}/build/deps/cmocka"
    CACHE PATH "cmocka source tree to build for the target")
if(NOT EXISTS "${SC_CMOCKA_SOURCE_DIR}/include/cmocka.h")
    message(FATAL_ERROR
        "No cmocka source in ${SC_CMOCKA_SOURCE_DIR}. Run scripts/install-deps.sh "
        "(or 'make deps'), or set SC_CMOCKA_SOURCE_DIR.")
endif()

include(ExternalProject)
set(sc_cmocka_prefix ${PROJECT_BINARY_DIR}/cmocka)
set(sc_cmocka_lib ${sc_cmocka_prefix}/lib/${CMAKE_STATIC_LIBRARY_PREFIX}cmocka-static${CMAKE_STATIC_LIBRARY_SUFFIX})
ExternalProject_Add(cmocka_build
    SOURCE_DIR ${SC_CMOCKA_SOURCE_DIR}
    INSTALL_DIR ${sc_cmocka_prefix}
    CMAKE_ARGS
        -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}
        -DCMAKE_INSTALL_PREFIX=<INSTALL_DIR>
        -DCMAKE_INSTALL_LIBDIR=lib
        -DCMAKE_BUILD_TYPE=Release
        -DWITH_STATIC_LIB=ON
        -DWITH_EXAMPLES=OFF
        -DUNIT_TESTING=OFF
    BUILD_BYPRODUCTS ${sc_cmocka_lib}
    UPDATE_DISCONNECTED ON)

file(MAKE_DIRECTORY ${sc_cmocka_prefix}/include)
add_library(cmocka::cmocka STATIC IMPORTED GLOBAL)
set_target_properties(cmocka::cmocka PROPERTIES
    IMPORTED_LOCATION ${sc_cmocka_lib}
    INTERFACE_INCLUDE_DIRECTORIES ${sc_cmocka_prefix}/include)
add_dependencies(cmocka::cmocka cmocka_build)
