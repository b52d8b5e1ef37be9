# Read by CPack for each generator (CPACK_PROJECT_CONFIG_FILE, set in
# cmake/install.cmake): a Debian package holds its files from the root.
if(CPACK_GENERATOR STREQUAL "DEB")
    set(CPACK_COMPONENT_INCLUDE_TOPLEVEL_DIRECTORY OFF)
endif()
