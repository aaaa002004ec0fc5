# sim-tls: each seed run twice, in separate processes, gives the same trace
# hash; different seeds give different ones; and all the seeds run one
# after another in one process give the same hashes again (nothing OpenSSL
# drew for one seed leaks into the next). The trace holds a record of
# every random byte OpenSSL drew (kind 400, "tls_random"), so a handshake
# whose randomness came from outside the seed would change the hash even
# when the bytes on the wire kept their sizes.
# -DBINARY=... -DWORK_DIR=... [-DSEEDS=1;2;3]
cmake_policy(SET CMP0057 NEW)
if(NOT DEFINED SEEDS)
  set(SEEDS 1 2 3)
endif()
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(seen "")
foreach(seed IN LISTS SEEDS)
  foreach(run a b)
    execute_process(COMMAND ${BINARY} --seed ${seed} --quiet --report-json ${WORK_DIR}/${seed}-${run}.json
                    RESULT_VARIABLE exit_code OUTPUT_QUIET ERROR_VARIABLE errors)
    if(NOT exit_code EQUAL 0)
      message(FATAL_ERROR "seed ${seed} (run ${run}) exited ${exit_code}: ${errors}")
    endif()
    file(READ ${WORK_DIR}/${seed}-${run}.json report)
    string(JSON hash_${run} GET "${report}" seeds 0 trace_hash)
  endforeach()
  if(NOT hash_a STREQUAL hash_b)
    message(FATAL_ERROR "seed ${seed} gave trace ${hash_a} in one process, ${hash_b} in another")
  endif()
  if(hash_a IN_LIST seen)
    message(FATAL_ERROR "seed ${seed} gave trace ${hash_a}, the same as an earlier seed")
  endif()
  list(APPEND seen ${hash_a})
  set(alone_${seed} ${hash_a})
  message(STATUS "seed ${seed} -> ${hash_a} in two processes")
endforeach()

set(seed_flags "")
foreach(seed IN LISTS SEEDS)
  list(APPEND seed_flags --seed ${seed})
endforeach()
execute_process(COMMAND ${BINARY} ${seed_flags} --quiet --report-json ${WORK_DIR}/together.json
                RESULT_VARIABLE exit_code OUTPUT_QUIET ERROR_VARIABLE errors)
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "the seeds together exited ${exit_code}: ${errors}")
endif()
file(READ ${WORK_DIR}/together.json report)
string(JSON count LENGTH "${report}" seeds)
math(EXPR last "${count} - 1")
foreach(index RANGE ${last})
  string(JSON seed GET "${report}" seeds ${index} seed)
  string(JSON hash GET "${report}" seeds ${index} trace_hash)
  if(NOT hash STREQUAL alone_${seed})
    message(FATAL_ERROR "seed ${seed} gave trace ${hash} after other seeds in one process, ${alone_${seed}} alone")
  endif()
endforeach()
message(STATUS "the ${count} seeds in one process: the same hashes as alone")

# The trace really holds OpenSSL's draws.
list(GET SEEDS 0 first_seed)
execute_process(COMMAND ${BINARY} --seed ${first_seed} --quiet --trace ${WORK_DIR}/trace.jsonl
                RESULT_VARIABLE exit_code OUTPUT_QUIET ERROR_QUIET)
file(STRINGS ${WORK_DIR}/trace.jsonl tls_records REGEX "\"event\":\"tls.random\"")
list(LENGTH tls_records tls_count)
if(NOT exit_code EQUAL 0 OR tls_count EQUAL 0)
  message(FATAL_ERROR "seed ${first_seed}: no tls.random record in its trace (exit ${exit_code})")
endif()
message(STATUS "seed ${first_seed}: ${tls_count} tls.random records in its trace")
