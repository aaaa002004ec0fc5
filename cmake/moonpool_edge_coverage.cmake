# moonpool_enable_edge_coverage(<target>): builds <target>'s own sources
# with compiler edge coverage, which moonpool's explorer and --until-stable
# then use as their novelty signal (the report says "edges").
#   clang: -fsanitize-coverage=inline-8bit-counters (one counter per edge)
#   gcc:   -fsanitize-coverage=trace-pc (a callback per edge, hashed into
#          a counter table)
# Only the user's code is instrumented; moonpool's library provides the
# hooks and is not.
function(moonpool_enable_edge_coverage target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE -fsanitize-coverage=inline-8bit-counters)
  elseif(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -fsanitize-coverage=trace-pc)
  else()
    message(FATAL_ERROR
      "moonpool_enable_edge_coverage(${target}): edge coverage needs gcc or clang, "
      "not ${CMAKE_CXX_COMPILER_ID}; turn MOONPOOL_SANCOV off")
  endif()
endfunction()
