# Reliability tests (docs/reliability.md) and the hardened build's tests
# (docs/security.md). Each cross-process test is built twice, once per
# build of the library, with the suffix "" or "_hardened". Each build's
# tests share that build's counter, so each build has its own lock.
add_library(sc_self_spawn STATIC self_spawn.c)
target_link_libraries(sc_self_spawn PUBLIC sc_common)
sc_set_warnings(sc_self_spawn)

foreach(suffix "" _hardened)
    set(dll sharedcounter${suffix})
    if(suffix STREQUAL "")
        set(lock SHARES_COUNTER)
    else()
        set(lock LOCK hardened_counter)
    endif()
    foreach(name test_linearizable test_killed)
        sc_add_test(${name}${suffix} SOURCES ${name}.c
                    LIBRARIES ${dll} sc_self_spawn sc_scratch_dir ${lock})
    endforeach()
    sc_add_test(test_edges${suffix} SOURCES test_edges.c saved_counter.c
                LIBRARIES ${dll} sc_test_clients ${lock})
    add_dependencies(test_edges${suffix} sc_soak private_counter counter_client)
    sc_add_test(test_soak${suffix} SOURCES test_soak.c soak_run.c
                LIBRARIES ${dll} sc_self_spawn ${lock})
    # The long soak, for "make soak".
    add_executable(sc_soak${suffix} soak_main.c soak_run.c)
    target_link_libraries(sc_soak${suffix} PRIVATE ${dll} sc_self_spawn
                          sc_client)
    sc_set_warnings(sc_soak${suffix})
endforeach()

# A program linked against sharedcounter.dll, for running it with the
# hardened DLL in its place.
add_executable(probe_counter probe_counter.c)
target_link_libraries(probe_counter PRIVATE sharedcounter)
sc_set_warnings(probe_counter)

# It loads bin/sharedcounter.dll only to read its exports and sections, and
# runs probe_counter with copies of the hardened DLL: only the hardened
# counter's values matter.
sc_add_test(test_hardened SOURCES test_hardened.c loaded_image.c
            LIBRARIES sharedcounter_hardened sc_mapping_name sc_self_spawn
                      sc_test_clients
            LOCK hardened_counter)
add_dependencies(test_hardened sharedcounter probe_counter)
# The same unit tests as the shared-section build.
sc_add_test(test_api_hardened SOURCES test_api.c saved_counter.c
            LIBRARIES sharedcounter_hardened LOCK hardened_counter)
