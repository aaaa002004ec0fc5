# The smoke run of a libFuzzer binary (the fuzz preset): a fixed number of
# runs from a fixed seed over the committed corpus, new inputs going to a
# scratch directory emptied first, so that every run starts the same way.
#   cmake -DFUZZER=bin -DSCRATCH=dir -DCORPUS=dir -DRUNS=n -P libfuzzer_smoke.cmake
foreach(variable FUZZER SCRATCH CORPUS RUNS)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "libfuzzer_smoke.cmake needs -D${variable}=...")
  endif()
endforeach()

file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH})
execute_process(
  COMMAND ${FUZZER} -runs=${RUNS} -seed=1 -max_len=4096 -timeout=30 ${SCRATCH} ${CORPUS}
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${status}); the input it saved is named above")
endif()
