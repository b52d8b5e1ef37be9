# cmake -DREADME=<examples/X/README.md> -DSC=<install tree> -DDIR=<folder>
#       -DTOOL_DIRS=<folders> -P example_build.cmake
# Runs the build block of an example's README as its reader would: the sh
# block that uses $SC, in a POSIX shell, in DIR, with SC set to the install
# tree. TOOL_DIRS come first on PATH, so that the block's tools are the ones
# the build found.
foreach(var README SC DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "example_build.cmake: set -D${var}")
    endif()
endforeach()

file(READ ${README} text)
# A fence at the start of a line opens or closes a block; the lines of the
# block that uses $SC are the build.
string(REGEX MATCHALL "\n```sh\n[^`]*\n```" blocks "${text}")
set(build "")
foreach(block IN LISTS blocks)
    if(block MATCHES "\\$SC" AND build STREQUAL "")
        string(REGEX REPLACE "^\n```sh\n(.*)\n```$" "\\1" build "${block}")
    endif()
endforeach()
if(build STREQUAL "")
    message(FATAL_ERROR "${README}: no sh block uses $SC")
endif()

set(path $ENV{PATH})
foreach(dir IN LISTS TOOL_DIRS)
    set(path "${dir}:${path}")
endforeach()
set(ENV{PATH} "${path}")
set(ENV{SC} "${SC}")
# A nested make would read this build's jobserver.
unset(ENV{MAKEFLAGS})
message("${README}, with SC=${SC}:\n${build}")
execute_process(COMMAND sh -e -c "${build}" WORKING_DIRECTORY ${DIR}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${README}: the build block failed (exit ${rc})")
endif()
