# cmake -DWINE=wine -DWINESERVER=wineserver [-DPERSIST=seconds] -P wineserver.cmake
# With WINEPREFIX (and WINEDEBUG, ...) in the environment: brings up the
# prefix's wineserver so that it outlives each program by PERSIST seconds
# (default 5), which makes each Wine start cheap, and runs a first program.
#
# The first program of a server starts Wine's own background processes
# (services.exe, explorer.exe, ...), which inherit its stderr and live until
# the server shuts down. Under CTest that stderr is a test's output pipe, and
# CTest waits for the pipe to close: the test would last until the server had
# been idle for PERSIST seconds, then the server would be gone and every later
# program would start one of its own. So neither that first program nor the
# server gets any output to hold.
foreach(var WINE WINESERVER)
    if(NOT ${var})
        message(FATAL_ERROR "wineserver.cmake: set -D${var}=<program>")
    endif()
endforeach()
if(NOT PERSIST)
    set(PERSIST 5)
endif()
set(no_io INPUT_FILE /dev/null OUTPUT_FILE /dev/null ERROR_FILE /dev/null)
# Exit status 2: a server is running already, which serves as well.
execute_process(COMMAND ${WINESERVER} -p${PERSIST} ${no_io}
                RESULT_VARIABLE server_rc)
if(NOT server_rc EQUAL 0 AND NOT server_rc EQUAL 2)
    message(FATAL_ERROR "wineserver -p${PERSIST} failed (exit ${server_rc})")
endif()
execute_process(COMMAND ${WINE} cmd /c exit 0 ${no_io} RESULT_VARIABLE wine_rc)
if(NOT wine_rc EQUAL 0)
    message(FATAL_ERROR "wine cmd /c exit 0 failed (exit ${wine_rc})")
endif()
