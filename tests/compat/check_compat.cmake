# A compatibility simulation's verdict over ITERATIONS seeds:
# - at least MIN_PASS_PERCENT of the seeds pass;
# - every failing seed's error matches EXPECTED_FAILURE (a failure the
#   official example's own code causes, explained beside the simulation);
# - the first failing seed, run alone in a new process, fails again with
#   the same trace hash (a seed replays bit for bit), and so does the first
#   seed of the sweep.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

execute_process(COMMAND ${BINARY} --iterations ${ITERATIONS} --quiet
                        --report-json ${WORK_DIR}/sweep.json
                RESULT_VARIABLE sweep_exit OUTPUT_QUIET ERROR_QUIET)
if(NOT sweep_exit EQUAL 0 AND NOT sweep_exit EQUAL 1)
  message(FATAL_ERROR "exit ${sweep_exit} over ${ITERATIONS} seeds (expected 0 or 1)")
endif()
file(READ ${WORK_DIR}/sweep.json sweep)
string(JSON passed GET "${sweep}" passed)
string(JSON iterations GET "${sweep}" iterations)
math(EXPR percent "100 * ${passed} / ${iterations}")
message(STATUS "${passed} of ${iterations} seeds passed (${percent}%)")
if(percent LESS MIN_PASS_PERCENT)
  message(FATAL_ERROR "only ${percent}% of the seeds passed; at least ${MIN_PASS_PERCENT}% must")
endif()

string(JSON seed_count LENGTH "${sweep}" seeds)
math(EXPR last "${seed_count} - 1")
set(first_failing "")
foreach(i RANGE ${last})
  string(JSON ok GET "${sweep}" seeds ${i} ok)
  if(NOT ok)
    string(JSON seed GET "${sweep}" seeds ${i} seed)
    string(JSON error GET "${sweep}" seeds ${i} error)
    if(NOT error MATCHES "${EXPECTED_FAILURE}")
      message(FATAL_ERROR "seed ${seed} failed unexpectedly: ${error}")
    endif()
    if(first_failing STREQUAL "")
      set(first_failing ${i})
    endif()
  endif()
endforeach()

set(replays 0)
if(NOT first_failing STREQUAL "")
  list(APPEND replays ${first_failing})
endif()
foreach(i ${replays})
  string(JSON seed GET "${sweep}" seeds ${i} seed)
  string(JSON expected_hash GET "${sweep}" seeds ${i} trace_hash)
  execute_process(COMMAND ${BINARY} --seed ${seed} --quiet --report-json ${WORK_DIR}/replay.json
                  RESULT_VARIABLE replay_exit OUTPUT_QUIET ERROR_QUIET)
  file(READ ${WORK_DIR}/replay.json replay)
  string(JSON replay_hash GET "${replay}" seeds 0 trace_hash)
  if(NOT replay_hash STREQUAL expected_hash)
    message(FATAL_ERROR "seed ${seed}: trace ${replay_hash} alone, ${expected_hash} in the sweep")
  endif()
  message(STATUS "seed ${seed} replays to trace ${replay_hash}")
endforeach()
