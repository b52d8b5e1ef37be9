# Sets SC_VERSION (MAJOR.MINOR.PATCH) from the public header, the version's
# one home, for the project() calls of the top level and of sectiondump.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/../include/sharedcounter.h sc_version_lines
     REGEX "^#define SC_VERSION_(MAJOR|MINOR|PATCH) ")
foreach(line IN LISTS sc_version_lines)
    string(REGEX MATCH "SC_VERSION_([A-Z]+) +([0-9]+)" _ "${line}")
    set(sc_version_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
endforeach()
set(SC_VERSION ${sc_version_MAJOR}.${sc_version_MINOR}.${sc_version_PATCH})
