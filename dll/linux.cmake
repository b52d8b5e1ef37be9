# libsharedcounter.so: the same API and operations as the DLL, with the
# counter and the process table in an SC_SHARED section that
# shared_section_posix.c maps over with one shared-memory object per library
# file and user (docs/linux.md).

# The version script comes from the .def, the API list's one home. Each name
# gets the node of the version that brought it, so that a program that calls
# sc_wait asks for SHAREDCOUNTER_0.3 and an older library refuses it by name
# when it loads; everything else stays local.
set(sc_names_0_3 sc_wait)
sc_api_names(sc_names_0_2)
list(REMOVE_ITEM sc_names_0_2 ${sc_names_0_3})
list(JOIN sc_names_0_2 ";\n        " sc_exports_0_2)
list(JOIN sc_names_0_3 ";\n        " sc_exports_0_3)
set(SC_SYMBOL_VERSIONS SHAREDCOUNTER_0.2 SHAREDCOUNTER_0.3 CACHE INTERNAL
    "The version nodes of the library's symbols")
set(sc_version_script ${CMAKE_CURRENT_BINARY_DIR}/sharedcounter.map)
file(CONFIGURE OUTPUT ${sc_version_script} CONTENT
"/* Generated from dll/sharedcounter.def by dll/linux.cmake. */
SHAREDCOUNTER_0.2 {
    global:
        ${sc_exports_0_2};
    local:
        *;
};

SHAREDCOUNTER_0.3 {
    global:
        ${sc_exports_0_3};
} SHAREDCOUNTER_0.2;
")

# sc_add_linux_library(<name> [definition...]): the library under <name>,
# its symbols versioned and the rest hidden.
function(sc_add_linux_library name)
    add_library(${name} SHARED ${sc_library_sources})
    target_include_directories(${name} PUBLIC
        $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
        $<INSTALL_INTERFACE:include>)
    target_compile_definitions(${name} PRIVATE SC_BUILDING_DLL ${ARGN})
    target_link_libraries(${name} PRIVATE sc_shared_section)
    target_link_options(${name} PRIVATE
        "LINKER:--version-script=${sc_version_script}" "LINKER:-z,defs")
    set_target_properties(${name} PROPERTIES
        C_VISIBILITY_PRESET hidden
        LINK_DEPENDS ${sc_version_script})
    sc_set_warnings(${name})
endfunction()

sc_add_linux_library(sharedcounter)
add_library(SharedCounter::sharedcounter ALIAS sharedcounter)
set_target_properties(sharedcounter PROPERTIES
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR}
    PUBLIC_HEADER ${PROJECT_SOURCE_DIR}/include/sharedcounter.h)

# A build whose writers never wake a waiter (SC_SKIP_WAKE), which
# counter_bench_native times beside the real one; never installed.
if(BUILD_TESTING)
    sc_add_linux_library(sharedcounter_nowake SC_SKIP_WAKE)
    # And one whose writers stop between their update and their wake when
    # the test asks them to (tests/support_pause.c).
    sc_add_linux_library(sharedcounter_paused SC_PAUSE_BEFORE_WAKE)
    target_sources(sharedcounter_paused PRIVATE
        ${PROJECT_SOURCE_DIR}/tests/support_pause.c)
endif()
