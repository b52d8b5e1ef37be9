# counter_export with a real Prometheus: Debian's prometheus and
# prometheus-node-exporter scrape what counter_worker processes add, and the
# query API must give the exact sums (tests/test_prometheus.py,
# docs/prometheus.md). One test per case, each on fresh copies of the
# library in a scratch folder of its own, so that none holds a lock. The
# Linux trees run the built programs; the Windows trees run
# counter_export.exe and counter_worker.exe under Wine, in the tree's prefix.
# The fleet (federation and remote write) adds nothing of Windows's own and
# runs on Linux only. Included from tests/ in a cross build and from
# tests/native/.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
    set(sc_python ${Python3_EXECUTABLE})
else()
    set(sc_python sh -c "echo 'test_prometheus: needs python3 (Debian: python3; scripts/install-deps.sh installs it)' >&2; exit 1" --)
endif()
if(WIN32)
    set(sc_prefix test_prometheus)
    set(sc_cases scrape textfile two-tables)
    set(sc_args --programs ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}
                -- ${SC_SETARCH} -R ${SC_WINE})
else()
    set(sc_prefix test_native_prometheus)
    set(sc_cases scrape textfile two-tables fleet)
    set(sc_args --programs $<TARGET_FILE_DIR:counter_export>
                --library $<TARGET_SONAME_FILE:sharedcounter>)
endif()
foreach(case ${sc_cases})
    string(REPLACE "-" "_" name ${sc_prefix}_${case})
    add_test(NAME ${name}
             COMMAND ${sc_python} ${CMAKE_CURRENT_LIST_DIR}/test_prometheus.py
                     ${case} ${sc_args})
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
    if(WIN32)
        set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED wine
                             ENVIRONMENT "${SC_WINE_ENV}")
    endif()
endforeach()
