# Adaptive splitting against fixed-count splitting, for the same energy:
# each root seed in 1..SEEDS is explored sequentially (--jobs 1, so each
# tree is the same on every run) once per mode; a seed counts when its
# exploration finds the bug (exit 1). Prints both numbers; adaptive must
# find it from more root seeds.
set(found_adaptive 0)
set(found_fixed 0)
foreach(seed RANGE 1 ${SEEDS})
  execute_process(COMMAND ${BINARY} --explore --jobs 1 --energy ${ENERGY} --seed ${seed} --quiet
                  RESULT_VARIABLE adaptive_exit OUTPUT_QUIET ERROR_QUIET)
  execute_process(COMMAND ${BINARY} --explore --jobs 1 --energy ${ENERGY} --seed ${seed} --quiet
                          --explore-fixed ${FIXED}
                  RESULT_VARIABLE fixed_exit OUTPUT_QUIET ERROR_QUIET)
  foreach(mode adaptive fixed)
    if(${mode}_exit EQUAL 1)
      math(EXPR found_${mode} "${found_${mode}} + 1")
    elseif(NOT ${mode}_exit EQUAL 0)
      message(FATAL_ERROR "${mode} exploration of seed ${seed} exited ${${mode}_exit}")
    endif()
  endforeach()
endforeach()
message(STATUS "energy ${ENERGY} per root seed: adaptive found the bug from ${found_adaptive} "
               "of ${SEEDS} root seeds, fixed ${FIXED}-per-split from ${found_fixed}")
if(NOT found_adaptive GREATER found_fixed)
  message(FATAL_ERROR "adaptive splitting did not beat fixed splitting")
endif()
