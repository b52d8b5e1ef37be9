# cmake -DCPACK_CONFIG=<build>/CPackConfig.cmake -DOUT=<dir> -DVERSION=x.y.z
#       -DDOCS=<source>/docs -P package_listing.cmake
# Makes the release zip with CPack and checks its listing against the layout
# that docs/using.md promises: every file there, and nothing else.
cmake_policy(SET CMP0007 NEW)
foreach(var CPACK_CONFIG OUT VERSION DOCS)
    if(NOT ${var})
        message(FATAL_ERROR "package_listing.cmake: set -D${var}")
    endif()
endforeach()

file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${CMAKE_CPACK_COMMAND} --config ${CPACK_CONFIG} -B ${OUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
set(zip ${OUT}/sharedcounter-${VERSION}-win64.zip)
if(NOT rc EQUAL 0 OR NOT EXISTS ${zip})
    message(FATAL_ERROR "cpack did not make ${zip} (exit ${rc}):\n${log}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E tar tf ${zip}
                OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot list ${zip}")
endif()

set(expected
    bin/sharedcounter.dll bin/sharedcounter_hardened.dll
    include/sharedcounter.h
    lib/libsharedcounter.dll.a lib/libsharedcounter_hardened.dll.a
    lib/sharedcounter.lib lib/sharedcounter_hardened.lib
    lib/cmake/SharedCounter/SharedCounterConfig.cmake
    lib/cmake/SharedCounter/SharedCounterConfigVersion.cmake
    lib/cmake/SharedCounter/SharedCounterTargets.cmake
    lib/pkgconfig/sharedcounter.pc
    README.md LICENSE)
file(GLOB_RECURSE docs RELATIVE ${DOCS}/.. ${DOCS}/*)
list(APPEND expected ${docs})

# Every entry sits in one top folder; folders themselves are not files.
string(REPLACE "\n" ";" entries "${listing}")
list(FILTER entries EXCLUDE REGEX "(^|/)$")
list(TRANSFORM entries REPLACE "^sharedcounter-${VERSION}-win64/" "")
# The per-configuration half of the CMake targets is named after the build
# type, which the layout leaves open.
list(FILTER entries EXCLUDE REGEX
     "^lib/cmake/SharedCounter/SharedCounterTargets-[a-z]+\\.cmake$")
set(missing ${expected})
list(REMOVE_ITEM missing ${entries})
set(extra ${entries})
list(REMOVE_ITEM extra ${expected})
if(missing OR extra)
    message(FATAL_ERROR "${zip}:\nmissing: ${missing}\nnot in the layout: ${extra}")
endif()
list(LENGTH entries count)
message("${zip}: the ${count} files of the layout")
