# Reliability tests (docs/reliability.md) and the hardened build's tests
# (docs/security.md). Each cross-process test is built once per build of
# the library, with the suffix "" or "_hardened". Each build's tests share
# that build's counter, so each build has its own lock.
foreach(suffix "" _hardened)
    set(dll sharedcounter${suffix})
    if(suffix STREQUAL "")
        set(lock SHARES_COUNTER)
    else()
        set(lock LOCK hardened_counter)
    endif()
    foreach(name test_linearizable test_killed)
        sc_add_test(${name}${suffix} SOURCES ${name}.c LIBRARIES ${dll} ${lock})
    endforeach()
    sc_add_test(test_edges${suffix} SOURCES test_edges.c LIBRARIES ${dll}
                ${lock})
    add_dependencies(test_edges${suffix} sc_soak probe_counter private_counter
                     counter_client)
    sc_add_test(test_soak${suffix} SOURCES test_soak.c soak.c
                LIBRARIES ${dll} ${lock})
    # The long soak, for "make soak": the same module with a main.
    add_executable(sc_soak${suffix} soak.c)
    target_compile_definitions(sc_soak${suffix} PRIVATE SC_SOAK_PROGRAM)
    target_link_libraries(sc_soak${suffix} PRIVATE sc_test_support ${dll})
    sc_set_warnings(sc_soak${suffix})
    sc_in_tests_folder(sc_soak${suffix})
endforeach()

# sc_wait() (test_wait.c), with each build; it reads that build's storage
# from outside: the hardened build's through its named mapping.
foreach(suffix "" _hardened)
    if(suffix STREQUAL "")
        set(lock SHARES_COUNTER)
    else()
        set(lock LOCK hardened_counter)
    endif()
    sc_add_test(test_wait${suffix} SOURCES test_wait.c
                LIBRARIES sharedcounter${suffix} sc_test_image ${lock})
    target_include_directories(test_wait${suffix} PRIVATE
        ${PROJECT_SOURCE_DIR}/dll)
    target_compile_definitions(test_wait${suffix} PRIVATE
        SC_TEST_DLL="sharedcounter${suffix}.dll")
    set_tests_properties(test_wait${suffix} PROPERTIES TIMEOUT 300)
endforeach()
target_compile_definitions(test_wait_hardened PRIVATE SC_TEST_HARDENED)
target_compile_definitions(test_wait PRIVATE
    SC_TEST_PAUSED_DLL="sharedcounter_paused.dll")
add_dependencies(test_wait sharedcounter_paused)
target_link_libraries(test_wait_hardened PRIVATE sc_mapping)

# When the last process unloads the library, the counter goes with it.
sc_add_test(test_lifetime SOURCES test_lifetime.c)
add_dependencies(test_lifetime sharedcounter sharedcounter_hardened)

# A program linked against sharedcounter.dll, for running it with the
# hardened DLL in its place.
add_executable(probe_counter probe_counter.c)
target_link_libraries(probe_counter PRIVATE sharedcounter sc_common)
sc_set_warnings(probe_counter)
sc_in_tests_folder(probe_counter)

# It reads bin/sharedcounter.dll's file only, and runs probe_counter with
# copies of the hardened DLL: only the hardened counter's values matter.
sc_add_test(test_hardened SOURCES test_hardened.c
            LIBRARIES sharedcounter_hardened sc_mapping sc_test_image
            LOCK hardened_counter)
add_dependencies(test_hardened sharedcounter probe_counter)
# The same unit tests as the shared-section build.
sc_add_test(test_api_hardened SOURCES test_api.c
            LIBRARIES sharedcounter_hardened LOCK hardened_counter)
