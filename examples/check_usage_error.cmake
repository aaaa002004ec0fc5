# A usage error exits with status 2 and prints exactly one line on stderr.
# ARGS is a |-separated argument list.
string(REPLACE "|" ";" arguments "${ARGS}")
execute_process(COMMAND ${BINARY} ${arguments}
                RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT exit_code EQUAL 2)
  message(FATAL_ERROR "'${ARGS}': expected exit 2, got ${exit_code}; stderr: ${err}")
endif()
string(STRIP "${err}" err)
string(FIND "${err}" "\n" newline)
if(err STREQUAL "" OR NOT newline EQUAL -1)
  message(FATAL_ERROR "'${ARGS}': expected one line on stderr, got: ${err}")
endif()
message(STATUS "'${ARGS}' -> exit 2: ${err}")
