# Sets SC_VERSION (MAJOR.MINOR.PATCH) from the public header, the version's
# one home, for the project() calls of the top level and of sectiondump.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/../include/sharedcounter.h sc_version_lines
     REGEX "^#define SC_VERSION_(MAJOR|MINOR|PATCH) ")
foreach(line IN LISTS sc_version_lines)
    string(REGEX MATCH "SC_VERSION_([A-Z]+) +([0-9]+)" _ "${line}")
    set(sc_version_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
endforeach()
set(SC_VERSION ${sc_version_MAJOR}.${sc_version_MINOR}.${sc_version_PATCH})
# The oldest version whose programs this one runs: the library keeps every
# symbol since then (dll/CMakeLists.txt's version node SHAREDCOUNTER_0.2),
# so find_package(SharedCounter) accepts a request from it up to SC_VERSION
# (cmake/SharedCounterConfigVersion.cmake.in).
set(SC_ABI_SINCE 0.2)
