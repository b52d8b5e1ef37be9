# The Wine environment's one home, and the Windows test programs run under
# Wine when cross-compiling. The top level includes it for a cross build;
# wineprefix.cmake includes it in script mode, for the environment alone.
#
# Each build tree has its own WINEPREFIX, and so its own wineserver: Wine
# shares a DLL's shared section only between processes of one wineserver,
# and a tree's tests start and stop that server (below) without disturbing
# another tree's tests, the demo, the soak or the benchmark, which use the
# checkout's build/wineprefix.

# err+module keeps the one message that explains a missing DLL (exit code 53).
set(SC_WINE_DEBUG -all,err+module)
# No Mono or Gecko: nothing here needs .NET or HTML, and a prefix without
# them is made without asking to download them.
set(SC_WINE_DLL_OVERRIDES mscoree,mshtml=)

# sc_wine_env(<var> <prefix>): the environment of every Wine process here,
# as NAME=value items, for the prefix folder <prefix>.
function(sc_wine_env out prefix)
    set(${out} WINEPREFIX=${prefix} WINEDEBUG=${SC_WINE_DEBUG}
        WINEDLLOVERRIDES=${SC_WINE_DLL_OVERRIDES} PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
    return()
endif()

find_program(SC_WINE wine REQUIRED)
find_program(SC_WINESERVER wineserver REQUIRED)
find_program(SC_SETARCH setarch REQUIRED)
set(SC_WINEPREFIX "${PROJECT_BINARY_DIR}/wineprefix")

sc_wine_env(SC_WINE_ENV ${SC_WINEPREFIX})
# Debian's wine64 has no preloader to reserve the low addresses Windows
# programs expect. Its loader is linked at 0x7d000000, and with address space
# randomization its heap starts anywhere in the 32 MiB above: now and then it
# grows over 0x7ffe0000, where every process must map the shared user data,
# and the new process dies at start-up ("failed to map the shared user data:
# c0000018"; CreateProcess in the parent fails with ERROR_INTERNAL_ERROR).
# setarch -R turns the randomization off for Wine and every process it
# starts, so the heap starts right after the loader, far below that address.
set(SC_WINE_RUN ${SC_SETARCH} -R ${CMAKE_COMMAND} -E env ${SC_WINE_ENV})
set(CMAKE_CROSSCOMPILING_EMULATOR ${SC_WINE_RUN} ${SC_WINE})

# The CTest fixture "wine": before the first test, create the prefix (so that
# tests running in parallel never race to initialise it) and start a
# persistent wineserver; after the last, stop it. A server that exits on its
# own when idle would race a test starting at that moment (see
# wineserver.cmake).
function(sc_add_wine_fixture)
    set(server_script ${SC_WINE_RUN} ${CMAKE_COMMAND}
        -DWINE=${SC_WINE} -DWINESERVER=${SC_WINESERVER}
        -P ${PROJECT_SOURCE_DIR}/cmake/wineserver.cmake)
    add_test(NAME wineprefix_setup
             COMMAND ${CMAKE_COMMAND} -DPREFIX=${SC_WINEPREFIX}
                     -DWINEBOOT=wineboot -DWINESERVER=${SC_WINESERVER}
                     -P ${PROJECT_SOURCE_DIR}/cmake/wineprefix.cmake)
    add_test(NAME wineserver_start COMMAND ${server_script} start)
    add_test(NAME wineserver_stop COMMAND ${server_script} stop)
    set_tests_properties(wineprefix_setup wineserver_start PROPERTIES
                         FIXTURES_SETUP wine)
    set_tests_properties(wineserver_start PROPERTIES
                         DEPENDS wineprefix_setup)
    set_tests_properties(wineserver_stop PROPERTIES FIXTURES_CLEANUP wine)
endfunction()
