# cmake -DLIST=<tree>/tests/mutants/list.cmake [-DTIMEOUT=seconds]
#       [-DONLY=name;...] -P run.cmake
# The target "mutants" of a build tree runs it (CMakeLists.txt here); ONLY
# runs the builds named, and the unchanged one with their suites.
#
# Runs the suites of the list against the unchanged copy of dll/, where each
# must pass, then each broken build's suites against that build, where each
# must fail: exit with a status other than 0, or still run after TIMEOUT
# seconds (it is then killed, and its line says so). One line per build;
# the run fails if a suite passed against a broken build.
#
# Windows: the test program is copied beside the build's sharedcounter.dll,
# which the loader takes before bin/'s, and run in bin/ under Wine, as CTest
# runs it. Linux: LD_LIBRARY_PATH leads the programs linked with the library
# to the build's libsharedcounter.so.0, and SC_TEST_LIBRARY the suites that
# copy or load it (sc__library_file). A suite given as program/case runs
# that case alone: SC_TEST_FILTER (sc__test_filter_from_environment).
if(NOT LIST)
    message(FATAL_ERROR "run.cmake: -DLIST=<tree>/tests/mutants/list.cmake")
endif()
include(${LIST})
# Beyond the 120 s that a suite gives a child before it gives up on it and
# kills it, so that the suite has ended its children by then.
if(NOT TIMEOUT)
    set(TIMEOUT 180)
endif()
if(ONLY)
    set(SC_MUTANTS ${ONLY})
    set(SC_MUTANT_unchanged_SUITES "")
    foreach(name IN LISTS ONLY)
        if(NOT DEFINED SC_MUTANT_${name}_SUITES)
            message(FATAL_ERROR "run.cmake: no build ${name} in ${LIST}")
        endif()
        list(APPEND SC_MUTANT_unchanged_SUITES ${SC_MUTANT_${name}_SUITES})
    endforeach()
    list(REMOVE_DUPLICATES SC_MUTANT_unchanged_SUITES)
endif()

function(wine_server mode)
    if(SC_WINE_SERVER)
        execute_process(COMMAND ${SC_WINE_SERVER} ${mode}
                        COMMAND_ERROR_IS_FATAL ANY)
    endif()
endfunction()

# Runs suite against the build <name>: sets <out> to "passed", "exit N"
# (or the signal) or "killed after TIMEOUT s", and <log> to its output.
function(run_suite out log name suite)
    string(REGEX MATCH "^[^/]+" program "${suite}")
    set(filter "")
    if(suite MATCHES "/(.+)$")
        set(filter "${CMAKE_MATCH_1}")
    endif()
    set(dir ${SC_MUTANT_${name}_DIR})
    string(REGEX REPLACE "[/*?]" "_" log_name "${suite}")
    set(log_file ${dir}/${log_name}.log)
    set(ENV{SC_TEST_FILTER} "${filter}")
    set(where "")
    if(SC_SYSTEM STREQUAL "WINDOWS")
        cmake_path(GET SC_SUITE_${program} FILENAME exe)
        file(COPY_FILE ${SC_SUITE_${program}} ${dir}/${exe} ONLY_IF_DIFFERENT)
        set(command ${SC_EMULATOR} ${dir}/${exe})
        set(where WORKING_DIRECTORY ${SC_WORKING_DIRECTORY})
    else()
        set(ENV{LD_LIBRARY_PATH} ${dir})
        set(ENV{SC_TEST_LIBRARY} ${SC_MUTANT_${name}_LIBRARY})
        set(command ${SC_SUITE_${program}})
    endif()
    execute_process(COMMAND ${command} ${where} TIMEOUT ${TIMEOUT}
                    INPUT_FILE /dev/null OUTPUT_FILE ${log_file}
                    ERROR_FILE ${log_file} RESULT_VARIABLE rc)
    if(rc STREQUAL "0")
        set(result "passed")
    elseif(rc MATCHES "timeout")
        set(result "killed after ${TIMEOUT} s")
        # Whatever it left running under Wine goes with the server.
        wine_server(stop)
        wine_server(start)
    elseif(rc MATCHES "^[0-9]+$")
        set(result "exit ${rc}")
    else()
        set(result "${rc}")
    endif()
    set(${out} "${result}" PARENT_SCOPE)
    set(${log} ${log_file} PARENT_SCOPE)
endfunction()

if(SC_WINE_PREFIX_SETUP)
    execute_process(COMMAND ${SC_WINE_PREFIX_SETUP} COMMAND_ERROR_IS_FATAL ANY)
endif()
wine_server(start)
string(TOLOWER "${SC_SYSTEM}" system)
cmake_path(GET SC_MUTANT_unchanged_DIR PARENT_PATH logs)
message("mutants: the ${system} builds of tests/mutants/mutants.cmake; "
        "logs in ${logs}/<build>/")

# The control: every suite passes against dll/ as it is.
set(failed "")
foreach(suite IN LISTS SC_MUTANT_unchanged_SUITES)
    run_suite(result log unchanged ${suite})
    if(NOT result STREQUAL "passed")
        list(APPEND failed "${suite} (${result}, ${log})")
    endif()
endforeach()
if(failed)
    wine_server(stop)
    list(JOIN failed "\n  " failed)
    message(FATAL_ERROR "mutants: against the unchanged library, these "
                        "suites fail already, so that their failing against "
                        "a broken build proves nothing:\n  ${failed}")
endif()
message("passed   unchanged (dll/ as it is): each suite named below")

set(missed "")
foreach(name IN LISTS SC_MUTANTS)
    set(verdict "caught")
    set(details "")
    foreach(suite IN LISTS SC_MUTANT_${name}_SUITES)
        run_suite(result log ${name} ${suite})
        if(result STREQUAL "passed")
            set(verdict "MISSED")
            list(APPEND missed ${name})
            set(result "passed (${log})")
        endif()
        list(APPEND details "${suite}: ${result}")
    endforeach()
    list(JOIN details "; " details)
    message("${verdict}   ${name} (${SC_MUTANT_${name}_FILE}): ${details}")
endforeach()
wine_server(stop)

list(LENGTH SC_MUTANTS total)
list(REMOVE_DUPLICATES missed)
list(LENGTH missed missed_count)
math(EXPR caught "${total} - ${missed_count}")
if(missed)
    list(JOIN missed ", " missed)
    message(FATAL_ERROR "mutants: ${caught} of ${total} caught; missed: "
                        "${missed}")
endif()
message("mutants: ${caught} of ${total} caught")
