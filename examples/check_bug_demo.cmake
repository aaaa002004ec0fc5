# A bug demo must: exit 1 over ITERATIONS seeds, list its failing seeds in
# the JSON report, and fail again, with the same trace hash, when the first
# failing seed is run alone in a new process.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

execute_process(COMMAND ${BINARY} --iterations ${ITERATIONS} --quiet
                        --report-json ${WORK_DIR}/sweep.json
                RESULT_VARIABLE sweep_exit OUTPUT_QUIET ERROR_QUIET)
if(NOT sweep_exit EQUAL 1)
  message(FATAL_ERROR "expected exit 1 (a seed failed) over ${ITERATIONS} seeds, got ${sweep_exit}")
endif()

file(READ ${WORK_DIR}/sweep.json sweep)
string(JSON failing_count LENGTH "${sweep}" failing_seeds)
if(failing_count EQUAL 0)
  message(FATAL_ERROR "the report lists no failing seeds")
endif()
string(JSON first_seed GET "${sweep}" failing_seeds 0)
string(JSON seed_count LENGTH "${sweep}" seeds)
math(EXPR last "${seed_count} - 1")
foreach(i RANGE ${last})
  string(JSON seed GET "${sweep}" seeds ${i} seed)
  if(seed STREQUAL first_seed)
    string(JSON expected_hash GET "${sweep}" seeds ${i} trace_hash)
    string(JSON expected_error GET "${sweep}" seeds ${i} error)
  endif()
endforeach()

execute_process(COMMAND ${BINARY} --seed ${first_seed} --quiet
                        --report-json ${WORK_DIR}/replay.json
                RESULT_VARIABLE replay_exit OUTPUT_QUIET ERROR_QUIET)
if(NOT replay_exit EQUAL 1)
  message(FATAL_ERROR "replaying seed ${first_seed} exited ${replay_exit}, expected 1")
endif()
file(READ ${WORK_DIR}/replay.json replay)
string(JSON replay_hash GET "${replay}" seeds 0 trace_hash)
string(JSON replay_error GET "${replay}" seeds 0 error)
if(NOT replay_hash STREQUAL expected_hash)
  message(FATAL_ERROR "seed ${first_seed}: trace ${replay_hash} on replay, ${expected_hash} in the sweep")
endif()
if(NOT replay_error STREQUAL expected_error)
  message(FATAL_ERROR "seed ${first_seed}: error '${replay_error}' on replay, '${expected_error}' in the sweep")
endif()
message(STATUS "${failing_count} failing seeds; seed ${first_seed} replays to trace ${replay_hash}: ${replay_error}")
