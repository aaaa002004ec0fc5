# Runs moonpool-gtest-demo (gtest_replay_demo.cpp) as a user would: the
# test fails, listing failing seeds with replay commands; the first
# command, pasted into a shell, fails again on that seed alone with the
# same trace; a malformed MOONPOOL_SEED fails the test (status 1, no
# crash) with one line naming it.
#
#   cmake -DDEMO=<moonpool-gtest-demo> -P gtest_replay_test.cmake

cmake_minimum_required(VERSION 3.25)

function(run_demo out_status out_text)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${out_status} "${status}" PARENT_SCOPE)
  set(${out_text} "${out}${err}" PARENT_SCOPE)
endfunction()

# 1. The whole test: seeds divisible by three fail it.
run_demo(status printed ${DEMO})
if(NOT status EQUAL 1)
  message(FATAL_ERROR "the demo exited with '${status}'; its failing seeds should fail it (1):\n${printed}")
endif()
string(REGEX MATCH "seed ([0-9]+) \\(trace ([0-9a-f]+)\\): [^\n]*the ledger lost a deposit\n    replay: ([^\n]+)"
       listed "${printed}")
if(listed STREQUAL "")
  message(FATAL_ERROR "no failing seed with its trace, error and replay command in:\n${printed}")
endif()
set(seed "${CMAKE_MATCH_1}")
set(trace "${CMAKE_MATCH_2}")
set(command "${CMAKE_MATCH_3}")
# seed % 3 by its digit sum: CMake's arithmetic stops at 2^63.
string(REGEX MATCHALL "[0-9]" digits "${seed}")
set(digit_sum 0)
foreach(digit IN LISTS digits)
  math(EXPR digit_sum "${digit_sum} + ${digit}")
endforeach()
math(EXPR remainder "${digit_sum} % 3")
if(NOT remainder EQUAL 0)
  message(FATAL_ERROR "seed ${seed} is listed as failing, but only seeds divisible by three fail")
endif()
if(NOT command MATCHES "^MOONPOOL_SEED=${seed} /[^ ]*/moonpool-gtest-demo --gtest_filter=Demo\\.LedgerKeepsDeposits$")
  message(FATAL_ERROR "the replay command '${command}' does not run this binary's test with MOONPOOL_SEED=${seed}")
endif()

# 2. The command, pasted into a shell: that seed alone, the same run.
run_demo(status replayed sh -c "${command}")
if(NOT status EQUAL 1)
  message(FATAL_ERROR "'${command}' exited with '${status}', not 1:\n${replayed}")
endif()
foreach(expected
    "1 of 1 seeds failed (seeds from the environment: MOONPOOL_SEED=${seed})"
    "seed ${seed} (trace ${trace}): "
    "the ledger lost a deposit")
  string(FIND "${replayed}" "${expected}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "'${command}' did not print '${expected}':\n${replayed}")
  endif()
endforeach()

# 3. A malformed seed: the test fails cleanly, naming the variable.
run_demo(status refused ${CMAKE_COMMAND} -E env MOONPOOL_SEED=1e3 ${DEMO})
if(NOT status EQUAL 1)
  message(FATAL_ERROR "MOONPOOL_SEED=1e3: the demo exited with '${status}', not 1:\n${refused}")
endif()
string(FIND "${refused}" "not run: MOONPOOL_SEED='1e3' is not a list of seeds" found)
if(found EQUAL -1)
  message(FATAL_ERROR "MOONPOOL_SEED=1e3 was not refused by name:\n${refused}")
endif()
message("replayed seed ${seed} (trace ${trace}) with: ${command}")
