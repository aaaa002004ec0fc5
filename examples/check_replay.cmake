# The same seed run twice in separate processes gives the same trace hash;
# two different seeds give different ones.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
foreach(run a:11 b:11 c:12)
  string(REPLACE ":" ";" parts ${run})
  list(GET parts 0 tag)
  list(GET parts 1 seed)
  execute_process(COMMAND ${BINARY} --seed ${seed} --quiet --report-json ${WORK_DIR}/${tag}.json
                  RESULT_VARIABLE exit_code OUTPUT_QUIET ERROR_QUIET)
  if(NOT exit_code EQUAL 0)
    message(FATAL_ERROR "seed ${seed} exited ${exit_code}")
  endif()
  file(READ ${WORK_DIR}/${tag}.json report)
  string(JSON hash_${tag} GET "${report}" seeds 0 trace_hash)
endforeach()
if(NOT hash_a STREQUAL hash_b)
  message(FATAL_ERROR "seed 11 gave trace ${hash_a}, then ${hash_b}")
endif()
if(hash_a STREQUAL hash_c)
  message(FATAL_ERROR "seeds 11 and 12 gave the same trace ${hash_a}")
endif()
message(STATUS "seed 11 -> ${hash_a} twice; seed 12 -> ${hash_c}")

# The golden fingerprint: every compiler and build type must agree on it
# (see tests/sim/determinism.cpp for why, and when to update it).
if(DEFINED GOLDEN_SEED)
  execute_process(COMMAND ${BINARY} --seed ${GOLDEN_SEED} --quiet
                          --report-json ${WORK_DIR}/golden.json
                  RESULT_VARIABLE exit_code OUTPUT_QUIET ERROR_QUIET)
  file(READ ${WORK_DIR}/golden.json report)
  string(JSON golden GET "${report}" seeds 0 trace_hash)
  if(NOT golden STREQUAL GOLDEN_HASH)
    message(FATAL_ERROR "seed ${GOLDEN_SEED} gave trace ${golden}; every build must give ${GOLDEN_HASH}")
  endif()
  message(STATUS "golden: seed ${GOLDEN_SEED} -> ${golden}")
endif()
