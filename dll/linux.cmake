# libsharedcounter.so: the same API and operations as the DLL, with the
# counter and the process table in an SC_SHARED section that
# shared_section_posix.c maps over with one shared-memory object per library
# file and user (docs/linux.md).

# The version script comes from the .def, the API list's one home: each name
# gets the version node, and everything else stays local.
sc_api_names(sc_names)
list(JOIN sc_names ";\n        " sc_exports)
set(SC_SYMBOL_VERSION SHAREDCOUNTER_0.2 CACHE INTERNAL
    "The version node of the library's symbols")
set(sc_version_script ${CMAKE_CURRENT_BINARY_DIR}/sharedcounter.map)
file(CONFIGURE OUTPUT ${sc_version_script} CONTENT
"/* Generated from dll/sharedcounter.def by dll/linux.cmake. */
${SC_SYMBOL_VERSION} {
    global:
        ${sc_exports};
    local:
        *;
};
")

add_library(sharedcounter SHARED
    counter.c
    process_table.c
    process_id_posix.c
    processes.c
    storage_section_posix.c)
add_library(SharedCounter::sharedcounter ALIAS sharedcounter)
target_include_directories(sharedcounter PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
target_compile_definitions(sharedcounter PRIVATE SC_BUILDING_DLL)
target_link_libraries(sharedcounter PRIVATE sc_shared_section)
target_link_options(sharedcounter PRIVATE
    "LINKER:--version-script=${sc_version_script}" "LINKER:-z,defs")
set_target_properties(sharedcounter PROPERTIES
    C_VISIBILITY_PRESET hidden
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR}
    LINK_DEPENDS ${sc_version_script}
    PUBLIC_HEADER ${PROJECT_SOURCE_DIR}/include/sharedcounter.h)
sc_set_warnings(sharedcounter)
