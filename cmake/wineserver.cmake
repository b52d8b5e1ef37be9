# cmake -DWINE=wine -DWINESERVER=wineserver -P wineserver.cmake start|stop
# With WINEPREFIX (and WINEDEBUG, ...) in the environment.
#
# start: brings up the prefix's wineserver for good (-p with no timeout), so
# that each Wine start is cheap, and runs a first program. A server that
# exits some seconds after its last client ("-p5") races every program
# started at that moment: the program connects to the server that is going
# away and fails at once ("wine client error: ...: write: Bad file
# descriptor"). A persistent server has no such moment.
#
# stop: kills the server and anything still running under it, and waits
# until it is gone.
#
# The first program of a server starts Wine's own background processes
# (services.exe, explorer.exe, ...), which inherit its stderr and live until
# the server shuts down. Under CTest that stderr would be a test's output
# pipe, and CTest would wait for it to close, so neither that first program
# nor the server gets any output to hold.
foreach(var WINE WINESERVER)
    if(NOT ${var})
        message(FATAL_ERROR "wineserver.cmake: set -D${var}=<program>")
    endif()
endforeach()
# The mode is the first argument after the script.
math(EXPR mode_index "${CMAKE_ARGC} - 1")
set(mode "${CMAKE_ARGV${mode_index}}")
set(no_io INPUT_FILE /dev/null OUTPUT_FILE /dev/null ERROR_FILE /dev/null)

if(mode STREQUAL "stop")
    execute_process(COMMAND ${WINESERVER} -k ${no_io})
    execute_process(COMMAND ${WINESERVER} -w ${no_io} RESULT_VARIABLE wait_rc)
    if(NOT wait_rc EQUAL 0)
        message(FATAL_ERROR "wineserver -w failed (exit ${wait_rc})")
    endif()
    return()
endif()
if(NOT mode STREQUAL "start")
    message(FATAL_ERROR "wineserver.cmake: say start or stop, not '${mode}'")
endif()
# Exit status 2: a server is running already. It may be one that times out,
# left by a program run by hand: replace it with a persistent one.
execute_process(COMMAND ${WINESERVER} -p ${no_io} RESULT_VARIABLE server_rc)
if(server_rc EQUAL 2)
    execute_process(COMMAND ${WINESERVER} -k ${no_io})
    execute_process(COMMAND ${WINESERVER} -w ${no_io})
    execute_process(COMMAND ${WINESERVER} -p ${no_io} RESULT_VARIABLE server_rc)
endif()
if(NOT server_rc EQUAL 0)
    message(FATAL_ERROR "wineserver -p failed (exit ${server_rc})")
endif()
execute_process(COMMAND ${WINE} cmd /c exit 0 ${no_io} RESULT_VARIABLE wine_rc)
if(NOT wine_rc EQUAL 0)
    message(FATAL_ERROR "wine cmd /c exit 0 failed (exit ${wine_rc})")
endif()
