# --until-stable (default P=10, MAX=1000) stops once every sometimes and
# reachable assertion has passed and nothing new appeared for P seeds, well
# before the cap, and the report names the coverage signal it watched.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${BINARY} --until-stable --quiet --report-json ${WORK_DIR}/report.json
                RESULT_VARIABLE exit_code OUTPUT_QUIET ERROR_QUIET)
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "exit ${exit_code}")
endif()
file(READ ${WORK_DIR}/report.json report)
string(JSON reason GET "${report}" stop_reason)
string(JSON signal GET "${report}" coverage_signal)
string(JSON timeout GET "${report}" convergence_timeout)
string(JSON iterations GET "${report}" iterations)
if(NOT reason STREQUAL "until_stable" OR NOT signal STREQUAL "assertions" OR timeout)
  message(FATAL_ERROR "stop_reason=${reason} coverage_signal=${signal} convergence_timeout=${timeout}")
endif()
if(iterations LESS 11 OR iterations GREATER 200)
  message(FATAL_ERROR "stopped after ${iterations} seeds; expected early, after at least 1 + 10")
endif()
message(STATUS "stopped by until_stable after ${iterations} seeds (signal: ${signal})")
