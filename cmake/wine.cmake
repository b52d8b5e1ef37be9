# Runs the Windows test programs under Wine when cross-compiling.
#
# All build trees of one checkout share one WINEPREFIX (SC_WINEPREFIX), and so
# one wineserver: Wine shares a DLL's shared section only between processes
# of the same wineserver.
find_program(SC_WINE wine REQUIRED)
find_program(SC_WINESERVER wineserver REQUIRED)
set(SC_WINEPREFIX "${PROJECT_BINARY_DIR}/wineprefix"
    CACHE PATH "Wine prefix the tests run in (created on first use)")

# err+module keeps the one message that explains a missing DLL (exit code 53).
set(SC_WINE_ENV WINEPREFIX=${SC_WINEPREFIX} WINEDEBUG=-all,err+module
                WINEDLLOVERRIDES=mscoree,mshtml=)
set(CMAKE_CROSSCOMPILING_EMULATOR
    ${CMAKE_COMMAND} -E env ${SC_WINE_ENV} ${SC_WINE})

# A CTest fixture creates the prefix before the first test, so that tests
# running in parallel never race to initialise it, and then starts the
# wineserver the tests share, with no test's output attached to it (see
# wineserver.cmake).
function(sc_add_wineprefix_fixture)
    add_test(NAME wineprefix_setup
             COMMAND ${CMAKE_COMMAND} -DPREFIX=${SC_WINEPREFIX}
                     -DWINEBOOT=wineboot -DWINESERVER=${SC_WINESERVER}
                     -P ${PROJECT_SOURCE_DIR}/cmake/wineprefix.cmake)
    add_test(NAME wineserver_setup
             COMMAND ${CMAKE_COMMAND} -E env ${SC_WINE_ENV}
                     ${CMAKE_COMMAND} -DWINE=${SC_WINE}
                     -DWINESERVER=${SC_WINESERVER}
                     -P ${PROJECT_SOURCE_DIR}/cmake/wineserver.cmake)
    set_tests_properties(wineprefix_setup wineserver_setup PROPERTIES
                         FIXTURES_SETUP wine)
    set_tests_properties(wineserver_setup PROPERTIES
                         DEPENDS wineprefix_setup)
endfunction()
