# cmake -DFROM=install|deb -DBUILD=<native build tree> -DDEB=<the .deb>
#       -DOUT=<dir> -DSOURCE=<source> -DCC=<compiler> -DVERSION=<x.y.z>
#       -P consumer_installed.cmake
# Builds tests/consumer against the Linux library as a user gets it, in a
# folder whose path has spaces and non-ASCII letters:
#   FROM=install: "cmake --install" into one folder, then the tree moved
#                 elsewhere (it must not depend on where it was installed);
#   FROM=deb:     the .deb unpacked with dpkg-deb -x (no root, no change to
#                 the system); its tree is usr/.
# Three consumers, each run: find_package(SharedCounter) with
# CMAKE_PREFIX_PATH, pkg_check_modules with the tree's .pc alone on
# pkg-config's path, and the shell line of docs/linux.md,
#   eval "cc consumer.c $(pkg-config --cflags --libs sharedcounter)"
# Each must load the tree's library, not one installed on the system.
# Then the package's version rule: find_package(SharedCounter <version>)
# finds the tree for every version whose ABI the library keeps (0.2 up to
# VERSION) and refuses an older, newer or other major one.
cmake_minimum_required(VERSION 3.25)
foreach(var FROM BUILD OUT SOURCE CC VERSION)
    if(NOT ${var})
        message(FATAL_ERROR "consumer_installed.cmake: set -D${var}")
    endif()
endforeach()

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                    ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        list(JOIN ARGN " " command)
        message(FATAL_ERROR "${command}\nfailed (${rc}):\n${out}")
    endif()
    set(output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${OUT})
set(place "${OUT}/moved here/déjà vu ü")
if(FROM STREQUAL "install")
    run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${OUT}/installed)
    file(MAKE_DIRECTORY "${place}")
    file(RENAME ${OUT}/installed "${place}/sharedcounter")
    set(tree "${place}/sharedcounter")
elseif(FROM STREQUAL "deb")
    file(MAKE_DIRECTORY "${place}")
    run(dpkg-deb -x ${DEB} "${place}")
    set(tree "${place}/usr")
else()
    message(FATAL_ERROR "FROM: install or deb, not '${FROM}'")
endif()
set(pc_dir "${tree}/lib/pkgconfig")
set(lib_dir "${tree}/lib")

# Runs program; it must succeed, and its library must be the tree's.
function(check_consumer program)
    run(${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${lib_dir}" ${program})
    if(NOT output MATCHES "consumer: header ")
        message(FATAL_ERROR "${program}: ${output}")
    endif()
    message("${output}")
    run(${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${lib_dir}" ldd ${program})
    string(FIND "${output}" "${lib_dir}/libsharedcounter.so.0" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${program} does not load ${lib_dir}:\n${output}")
    endif()
endfunction()

set(env ${CMAKE_COMMAND} -E env "PKG_CONFIG_LIBDIR=${pc_dir}"
    --unset=PKG_CONFIG_PATH --unset=MAKEFLAGS)
run(${env} ${CMAKE_COMMAND} -S ${SOURCE}/tests/consumer -B ${OUT}/find_package
    -DSC_CONSUMER_USE=find_package "-DCMAKE_PREFIX_PATH=${tree}"
    -DCMAKE_C_COMPILER=${CC})
run(${env} ${CMAKE_COMMAND} --build ${OUT}/find_package)
# The find_package build's RUNPATH names the tree: no LD_LIBRARY_PATH needed,
# though check_consumer sets it.
check_consumer(${OUT}/find_package/consumer_sharedcounter)

run(${env} ${CMAKE_COMMAND} -S ${SOURCE}/tests/consumer -B ${OUT}/pkg-config
    -DSC_CONSUMER_USE=pkg-config -DCMAKE_C_COMPILER=${CC})
run(${env} ${CMAKE_COMMAND} --build ${OUT}/pkg-config)
check_consumer(${OUT}/pkg-config/consumer_pkg_config)

run(${env} "CC=${CC}" sh -c
    "eval \"\$CC ${SOURCE}/tests/consumer/consumer.c -o ${OUT}/consumer_shell \$(pkg-config --cflags --libs sharedcounter)\"")
check_consumer(${OUT}/consumer_shell)

# A project that only asks for the tree's package, configured once per
# request.
set(probe ${OUT}/version-probe)
file(WRITE ${probe}/CMakeLists.txt [[
cmake_minimum_required(VERSION 3.25)
project(version_probe LANGUAGES NONE)
find_package(SharedCounter ${REQUEST} REQUIRED CONFIG
             PATHS "${TREE}" NO_DEFAULT_PATH)
message(STATUS "found SharedCounter ${SharedCounter_VERSION}")
]])
if(NOT VERSION MATCHES "^([0-9]+)\\.([0-9]+)\\.([0-9]+)$")
    message(FATAL_ERROR "VERSION: x.y.z, not '${VERSION}'")
endif()
set(major ${CMAKE_MATCH_1})
set(minor ${CMAKE_MATCH_1}.${CMAKE_MATCH_2})
math(EXPR next_major "${CMAKE_MATCH_1} + 1")
math(EXPR next_minor "${CMAKE_MATCH_2} + 1")
math(EXPR next_patch "${CMAKE_MATCH_3} + 1")
# The library keeps the ABI of 0.2 (its symbols are under SHAREDCOUNTER_0.2
# on Linux), so 0.2 is the oldest request it answers.
set(accepted 0.2 0.2.0 ${minor} ${VERSION} 0.2...${VERSION})
set(refused 0.1 0.1.9 ${major}.${next_minor} ${minor}.${next_patch}
    ${next_major}.0 0.1...0.2)
# Configures the probe for request; its find_package must end as expected
# (found, or refused for the package's version: CMake then lists the package
# it considered and that package's version).
function(check_request request expected)
    string(REPLACE "." "_" dir "${request}")
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${probe} -B ${probe}/${dir}
                            -DREQUEST=${request} "-DTREE=${tree}"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(expected STREQUAL "found" AND NOT (rc EQUAL 0 AND
       out MATCHES "found SharedCounter ${VERSION}"))
        message(FATAL_ERROR "find_package(SharedCounter ${request}) refused "
                            "the ${VERSION} package (${rc}):\n${out}")
    elseif(expected STREQUAL "refused" AND (rc EQUAL 0 OR
           NOT out MATCHES "version: ${VERSION}"))
        message(FATAL_ERROR "find_package(SharedCounter ${request}) did not "
                            "refuse the ${VERSION} package for its version "
                            "(${rc}):\n${out}")
    endif()
endfunction()
foreach(request IN LISTS accepted)
    check_request(${request} found)
endforeach()
foreach(request IN LISTS refused)
    check_request(${request} refused)
endforeach()

message("consumer_${FROM}: 3 consumers built in ${tree} and run; "
        "find_package(SharedCounter) took ${accepted} and refused ${refused}")
