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

execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${WORK_DIR}/build --output-on-failure
                RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "the consumer's simulations (moonpool_add_simulation) failed: ${result}")
endif()

foreach(program consumer consumer_tls)
  execute_process(COMMAND ${WORK_DIR}/build/${program} RESULT_VARIABLE result)
  if(result)
    message(FATAL_ERROR "${program} failed: ${result}")
  endif()
endforeach()
