# sc_set_warnings(target): the project's warning set, per compiler family.
function(sc_set_warnings target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /W4)
        # Portable C library calls (fopen, sscanf and the like) are used with
        # their bounds checked; their _s variants exist only on Windows.
        target_compile_definitions(${target} PRIVATE _CRT_SECURE_NO_WARNINGS)
    else()
        target_compile_options(${target} PRIVATE
            -Wall -Wextra -Wstrict-prototypes -Wshadow -Wformat=2)
    endif()
endfunction()
