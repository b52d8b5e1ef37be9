# sc_set_warnings(target): the project's warning set, per compiler family.
function(sc_set_warnings target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /W4)
    else()
        target_compile_options(${target} PRIVATE
            -Wall -Wextra -Wstrict-prototypes -Wshadow -Wformat=2)
    endif()
endfunction()
