# Warnings as errors for our own targets only (never for the Debian headers we include).
function(msh_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast)
endfunction()
