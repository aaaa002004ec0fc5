# Warnings for moonpool's own targets. CI builds with the presets, which turn
# MOONPOOL_WARNINGS_AS_ERRORS on.
function(moonpool_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local)
  if(MOONPOOL_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
