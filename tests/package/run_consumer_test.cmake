# Installs the built moonpool into a scratch prefix, then configures, builds
# and runs tests/package against it, as an outside project would.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

execute_process(COMMAND ${CMAKE_COMMAND} --install ${MOONPOOL_BINARY_DIR} --prefix ${prefix}
                RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "cmake --install failed: ${result}")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${WORK_DIR}/build -G Ninja
                        -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix}
                        -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                        # A sanitized moonpool links only into a sanitized program.
                        "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
                RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "configuring the consumer failed: ${result}")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "building the consumer failed: ${result}")
endif()

# Both ways of testing: simulations registered by moonpool_add_simulation
# and a GoogleTest test using moonpool::gtest, each passing and failing.
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${WORK_DIR}/build -N
                OUTPUT_VARIABLE listed RESULT_VARIABLE result)
foreach(test consumer_sim consumer_sim.failing Consumer.SimulationPasses consumer_gtest.failing)
  string(FIND "${listed}" " ${test}\n" found)
  if(result OR found EQUAL -1)
    message(FATAL_ERROR "the consumer registered no test '${test}' with CTest:\n${listed}")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${WORK_DIR}/build --output-on-failure
                RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR
    "the consumer's tests (moonpool_add_simulation, moonpool::gtest) failed: ${result}")
endif()

# The failing GoogleTest test, as a user meets it: it fails, listing a
# replay command, and that command, pasted into a shell, fails on that seed
# alone.
execute_process(COMMAND ${CMAKE_COMMAND} -E env CONSUMER_SIM_FAIL=1 ${WORK_DIR}/build/consumer_gtest
                RESULT_VARIABLE result OUTPUT_VARIABLE printed ERROR_VARIABLE printed_err)
string(REGEX MATCH "replay: (MOONPOOL_SEED=([0-9]+) [^\n]*/consumer_gtest --gtest_filter=Consumer\\.SimulationPasses)\n"
       listed "${printed}")
if(NOT result EQUAL 1 OR listed STREQUAL "")
  message(FATAL_ERROR
    "the failing consumer_gtest exited with '${result}' (1 expected) and no replay command:\n${printed}${printed_err}")
endif()
set(command "${CMAKE_MATCH_1}")
set(seed "${CMAKE_MATCH_2}")
execute_process(COMMAND ${CMAKE_COMMAND} -E env CONSUMER_SIM_FAIL=1 sh -c "${command}"
                RESULT_VARIABLE result OUTPUT_VARIABLE replayed ERROR_VARIABLE replayed_err)
string(FIND "${replayed}" "1 of 1 seeds failed (seeds from the environment: MOONPOOL_SEED=${seed})" found)
if(NOT result EQUAL 1 OR found EQUAL -1)
  message(FATAL_ERROR
    "the replay command '${command}' exited with '${result}' and did not fail on seed ${seed} alone:\n${replayed}${replayed_err}")
endif()

# Asking the package for a component it does not have is one clear line.
file(WRITE ${WORK_DIR}/wrong-component/CMakeLists.txt
  "cmake_minimum_required(VERSION 3.25)\nproject(wrong LANGUAGES CXX)\nfind_package(moonpool CONFIG REQUIRED COMPONENTS gtset)\n")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${WORK_DIR}/wrong-component -B ${WORK_DIR}/wrong-component/build
                        -G Ninja -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                RESULT_VARIABLE result OUTPUT_VARIABLE configured ERROR_VARIABLE configured_err)
string(FIND "${configured_err}" "moonpool has no component 'gtset'; its one component is gtest" found)
if(NOT result OR found EQUAL -1)
  message(FATAL_ERROR
    "find_package(moonpool COMPONENTS gtset) did not fail naming the component:\n${configured_err}")
endif()

foreach(program consumer consumer_tls)
  execute_process(COMMAND ${WORK_DIR}/build/${program} RESULT_VARIABLE result)
  if(result)
    message(FATAL_ERROR "${program} failed: ${result}")
  endif()
endforeach()
