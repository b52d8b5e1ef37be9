# cmake -DFROM=install|deb -DBUILD=<native build tree> -DDEB=<the .deb>
#       -DOUT=<dir> -DSOURCE=<source> -DCC=<compiler> -P consumer_installed.cmake
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
foreach(var FROM BUILD OUT SOURCE CC)
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

message("consumer_${FROM}: 3 consumers built in ${tree} and run")
