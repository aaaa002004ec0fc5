# A demo passes --check-determinism: every seed, run twice in worlds of its
# own, makes the same trace. MAY_FAIL=1 for a buggy demo, whose seeds may
# fail for its bug but never because their two runs differ.
file(MAKE_DIRECTORY ${WORK_DIR})
set(report ${WORK_DIR}/report.json)
file(REMOVE ${report})
execute_process(COMMAND ${BINARY} --check-determinism --iterations ${SEEDS} --quiet
                        --report-json ${report}
                RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT EXISTS ${report})
  message(FATAL_ERROR "no report (exit ${exit_code}): ${out}${err}")
endif()
file(READ ${report} json)
string(FIND "${json}" "not deterministic" found)
if(NOT found EQUAL -1)
  string(SUBSTRING "${json}" ${found} 600 excerpt)
  message(FATAL_ERROR "a seed's two runs differ: ${excerpt}")
endif()
if(NOT exit_code EQUAL 0 AND NOT (MAY_FAIL AND exit_code EQUAL 1))
  message(FATAL_ERROR "exit ${exit_code}: ${out}${err}")
endif()
message(STATUS "${SEEDS} seeds, each run twice: the same traces (exit ${exit_code})")
