# A benchmark's smoke test: run it (with tiny sizes), expect exit 0 and one
# JSON object on stdout in which every key of KEYS (a |-separated list of
# dotted paths, e.g. executor_vs_io_context.single_chain) holds a positive
# number. No timing threshold: a number's size is never judged.
# -DBINARY=... -DARGS=--quick|--json -DKEYS=a|b.c
string(REPLACE "|" ";" arguments "${ARGS}")
string(REPLACE "|" ";" keys "${KEYS}")
execute_process(COMMAND ${BINARY} ${arguments}
                RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "${BINARY} ${ARGS}: exit ${exit_code}; stderr: ${err}")
endif()
string(JSON type ERROR_VARIABLE parse_error TYPE "${out}")
if(parse_error OR NOT type STREQUAL "OBJECT")
  message(FATAL_ERROR "${BINARY} ${ARGS}: stdout is not one JSON object: ${out}")
endif()
foreach(key IN LISTS keys)
  string(REPLACE "." ";" path "${key}")
  string(JSON type ERROR_VARIABLE missing TYPE "${out}" ${path})
  if(missing)
    message(FATAL_ERROR "${BINARY} ${ARGS}: no key ${key} in ${out}")
  endif()
  string(JSON value GET "${out}" ${path})
  if(NOT type STREQUAL "NUMBER" OR NOT value GREATER 0)
    message(FATAL_ERROR "${BINARY} ${ARGS}: ${key} is ${value} (${type}), not a positive number")
  endif()
  message(STATUS "${key} = ${value}")
endforeach()
