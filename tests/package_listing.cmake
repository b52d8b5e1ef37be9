# cmake -DCPACK_CONFIG=<build>/CPackConfig.cmake -DOUT=<dir> -DPACKAGE=<name>
#       -DVERSION=x.y.z -DSOURCE=<source> -DOBJDUMP=<objdump> -P package_listing.cmake
# Makes the packages with CPack and checks each listing against the layout
# that docs/using.md (Windows: the zip and its -dbg zip) or docs/linux.md
# (Linux: the .tar.gz and its -dbg, the .deb and its -dbg) promise: every file
# there, and nothing else. Then checks that each shipped binary has no debug
# section left and names its .debug file, which the -dbg package holds.
cmake_policy(SET CMP0007 NEW)
foreach(var CPACK_CONFIG OUT PACKAGE VERSION SOURCE OBJDUMP)
    if(NOT ${var})
        message(FATAL_ERROR "package_listing.cmake: set -D${var}")
    endif()
endforeach()

file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${CMAKE_CPACK_COMMAND} --config ${CPACK_CONFIG} -B ${OUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cpack failed (exit ${rc}):\n${log}")
endif()

# The files under the package's root, without folders, sorted.
function(list_package file out)
    if(file MATCHES "\\.deb$")
        execute_process(COMMAND dpkg-deb --fsys-tarfile ${file}
                        COMMAND tar tf -
                        OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
    else()
        execute_process(COMMAND ${CMAKE_COMMAND} -E tar tf ${file}
                        OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
    endif()
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "cannot list ${file}")
    endif()
    string(REPLACE "\n" ";" entries "${listing}")
    list(FILTER entries EXCLUDE REGEX "(^|/)$")
    # A .deb holds the tree from its root, an archive in one top folder.
    if(file MATCHES "\\.deb$")
        set(top "./")
    else()
        set(top "${PACKAGE}/")
    endif()
    string(LENGTH "${top}" length)
    set(files "")
    foreach(entry IN LISTS entries)
        string(SUBSTRING "${entry}" 0 ${length} head)
        if(head STREQUAL top)
            string(SUBSTRING "${entry}" ${length} -1 entry)
        endif()
        list(APPEND files "${entry}")
    endforeach()
    set(entries ${files})
    list(SORT entries)
    set(${out} ${entries} PARENT_SCOPE)
endfunction()

# Checks the listing of file against the files expected, prefixed by root.
function(check_listing file root)
    set(expected ${ARGN})
    list(TRANSFORM expected PREPEND "${root}")
    if(NOT EXISTS ${OUT}/${file})
        file(GLOB made RELATIVE ${OUT} ${OUT}/*.*)
        message(FATAL_ERROR "cpack did not make ${file}; it made: ${made}")
    endif()
    list_package(${OUT}/${file} entries)
    set(missing ${expected})
    list(REMOVE_ITEM missing ${entries})
    set(extra ${entries})
    list(REMOVE_ITEM extra ${expected})
    if(missing OR extra)
        message(FATAL_ERROR
                "${file}:\nmissing: ${missing}\nnot in the layout: ${extra}")
    endif()
    list(LENGTH entries count)
    message("${file}: the ${count} files of the layout")
endfunction()

file(GLOB_RECURSE docs RELATIVE ${SOURCE} ${SOURCE}/docs/* ${SOURCE}/examples/*)
list(FILTER docs EXCLUDE REGEX "/__pycache__/")
list(APPEND docs README.md LICENSE cmake/mingw-gcc.cmake)
set(cmake_files SharedCounterConfig.cmake SharedCounterConfigVersion.cmake
    SharedCounterTargets.cmake SharedCounterTargets-relwithdebinfo.cmake)
list(TRANSFORM cmake_files PREPEND lib/cmake/SharedCounter/)

if(PACKAGE MATCHES "win64$")
    set(binaries bin/sharedcounter.dll bin/sharedcounter_hardened.dll)
    check_listing(${PACKAGE}.zip ""
        ${binaries} include/sharedcounter.h
        lib/libsharedcounter.dll.a lib/libsharedcounter_hardened.dll.a
        lib/sharedcounter.lib lib/sharedcounter_hardened.lib
        ${cmake_files} lib/pkgconfig/sharedcounter.pc ${docs})
    set(debug_files ${binaries})
    list(TRANSFORM debug_files APPEND .debug)
    check_listing(${PACKAGE}-dbg.zip "" ${debug_files})
    set(archives ${PACKAGE}.zip ${PACKAGE}-dbg.zip)
else()
    set(binaries lib/libsharedcounter.so.${VERSION})
    foreach(program counter_bench_native counter_client counter_demo
            counter_dynamic counter_export counter_wait counter_watch counter_worker
            private_counter sectiondump shared_exe_counter)
        list(APPEND binaries bin/${program})
    endforeach()
    list(TRANSFORM docs PREPEND share/doc/sharedcounter/)
    string(REGEX MATCH "^[0-9]+" major ${VERSION})
    set(tree ${binaries} lib/libsharedcounter.so lib/libsharedcounter.so.${major}
        include/sharedcounter.h share/doc/sharedcounter/include/sharedcounter.h
        ${cmake_files} lib/pkgconfig/sharedcounter.pc ${docs})
    set(debug_files ${binaries})
    list(TRANSFORM debug_files APPEND .debug)
    check_listing(${PACKAGE}.tar.gz "" ${tree})
    check_listing(${PACKAGE}-dbg.tar.gz "" ${debug_files})
    check_listing(sharedcounter_${VERSION}_amd64.deb usr/ ${tree})
    check_listing(sharedcounter-dbg_${VERSION}_amd64.deb usr/ ${debug_files})

    # What dpkg needs to know: the C library the binaries link, from
    # dpkg-shlibdeps, and the exact package that the debug files belong to.
    foreach(deb sharedcounter sharedcounter-dbg)
        execute_process(COMMAND dpkg-deb -f ${OUT}/${deb}_${VERSION}_amd64.deb
                                Depends
                        OUTPUT_VARIABLE depends_${deb}
                        OUTPUT_STRIP_TRAILING_WHITESPACE)
    endforeach()
    if(NOT depends_sharedcounter MATCHES "^libc6 \\(>= [0-9.]+\\)$")
        message(FATAL_ERROR "sharedcounter's Depends: '${depends_sharedcounter}'")
    endif()
    if(NOT depends_sharedcounter-dbg STREQUAL "sharedcounter (= ${VERSION})")
        message(FATAL_ERROR
                "sharedcounter-dbg's Depends: '${depends_sharedcounter-dbg}'")
    endif()
    set(archives ${PACKAGE}.tar.gz ${PACKAGE}-dbg.tar.gz)
endif()

# Each shipped binary: no .debug_* section, a .gnu_debuglink naming
# <file>.debug; that file in the -dbg package, with the debug sections.
set(unpacked ${OUT}/unpacked)
file(REMOVE_RECURSE ${unpacked})
file(MAKE_DIRECTORY ${unpacked})
foreach(archive IN LISTS archives)
    execute_process(COMMAND ${CMAKE_COMMAND} -E tar xf ${OUT}/${archive}
                    WORKING_DIRECTORY ${unpacked} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "cannot unpack ${archive}")
    endif()
endforeach()
if(EXISTS ${unpacked}/${PACKAGE})
    set(unpacked ${unpacked}/${PACKAGE})
endif()
foreach(binary IN LISTS binaries)
    execute_process(COMMAND ${OBJDUMP} -h ${unpacked}/${binary}
                    OUTPUT_VARIABLE shipped RESULT_VARIABLE rc1)
    execute_process(COMMAND ${OBJDUMP} -h ${unpacked}/${binary}.debug
                    OUTPUT_VARIABLE debug RESULT_VARIABLE rc2)
    if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
        message(FATAL_ERROR "${OBJDUMP} cannot read ${binary} or its .debug")
    endif()
    if(shipped MATCHES " (\\.debug_[a-z_]+) ")
        message(FATAL_ERROR "${binary} still has ${CMAKE_MATCH_1}")
    endif()
    if(NOT shipped MATCHES " \\.gnu_debuglink ")
        message(FATAL_ERROR "${binary} has no .gnu_debuglink")
    endif()
    if(NOT debug MATCHES " \\.debug_info ")
        message(FATAL_ERROR "${binary}.debug has no .debug_info")
    endif()
    cmake_path(GET binary FILENAME name)
    file(READ ${unpacked}/${binary} bytes HEX)
    string(HEX "${name}.debug" name_hex)
    if(NOT bytes MATCHES "${name_hex}00")
        message(FATAL_ERROR "${binary}'s debug link does not name ${name}.debug")
    endif()
endforeach()
list(LENGTH binaries count)
message("${count} binaries stripped, each with its .debug in the -dbg package")
