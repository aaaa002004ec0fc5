# sim-timers prints `trace_hash=<hex>` on each seed's line. The same seed run
# twice in separate processes gives the same hash; another seed gives another.
function(trace_hash_of seed out_var)
  execute_process(COMMAND ${BINARY} --seed ${seed}
                  RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT exit_code EQUAL 0)
    message(FATAL_ERROR "seed ${seed} exited ${exit_code}: ${err}")
  endif()
  if(NOT out MATCHES "trace_hash=([0-9a-f]+)")
    message(FATAL_ERROR "seed ${seed} printed no trace_hash line: ${out}")
  endif()
  set(${out_var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

trace_hash_of(7 first)
trace_hash_of(7 second)
trace_hash_of(8 other)
if(NOT first STREQUAL second)
  message(FATAL_ERROR "seed 7 gave trace ${first}, then ${second}")
endif()
if(first STREQUAL other)
  message(FATAL_ERROR "seeds 7 and 8 gave the same trace ${first}")
endif()
message(STATUS "seed 7 -> ${first} twice; seed 8 -> ${other}")
