# An exploration demo must show three things:
#  1. plain seeds (PLAIN_ARGS, e.g. --iterations 10000) do not find its bug:
#     exit 0;
#  2. --explore (EXPLORE_ARGS) does: exit 1, with a recipe and a trace hash
#     in the report's exploration section;
#  3. --replay of that recipe, twice, in new processes: the same failure
#     with the same trace hash.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
separate_arguments(plain_args UNIX_COMMAND "${PLAIN_ARGS}")
separate_arguments(explore_args UNIX_COMMAND "${EXPLORE_ARGS}")

execute_process(COMMAND ${BINARY} ${plain_args} --quiet --report-json ${WORK_DIR}/plain.json
                RESULT_VARIABLE plain_exit OUTPUT_QUIET ERROR_VARIABLE plain_err)
if(NOT plain_exit EQUAL 0)
  message(FATAL_ERROR "plain seeds (${PLAIN_ARGS}) should not find the bug; exit ${plain_exit}:\n${plain_err}")
endif()
file(READ ${WORK_DIR}/plain.json plain)
string(JSON plain_iterations GET "${plain}" iterations)

execute_process(COMMAND ${BINARY} --explore ${explore_args} --quiet
                        --report-json ${WORK_DIR}/explore.json
                RESULT_VARIABLE explore_exit OUTPUT_QUIET ERROR_VARIABLE explore_err)
if(NOT explore_exit EQUAL 1)
  message(FATAL_ERROR "--explore ${EXPLORE_ARGS} should find the bug (exit 1); exit ${explore_exit}:\n${explore_err}")
endif()
file(READ ${WORK_DIR}/explore.json explored)
string(JSON bugs GET "${explored}" exploration bugs)
string(JSON timelines GET "${explored}" exploration timelines)
string(JSON recipe GET "${explored}" exploration failures 0 recipe)
string(JSON expected_hash GET "${explored}" exploration failures 0 trace_hash)
string(JSON expected_error GET "${explored}" exploration failures 0 error)
string(JSON wall_ns GET "${explored}" exploration wall_ns)
# When the first bug came: always reported once there is one.
string(JSON first_bug_seconds GET "${explored}" exploration first_bug_seconds)
string(JSON first_bug_timeline GET "${explored}" exploration first_bug_timeline)
string(JSON branching GET "${explored}" exploration branching)
if(first_bug_seconds STREQUAL "null" OR first_bug_timeline STREQUAL "null")
  message(FATAL_ERROR "the exploration found bugs but reports no first_bug_seconds/timeline")
endif()

foreach(attempt 1 2)
  execute_process(COMMAND ${BINARY} --replay ${recipe} --quiet
                          --report-json ${WORK_DIR}/replay${attempt}.json
                  RESULT_VARIABLE replay_exit OUTPUT_QUIET ERROR_QUIET)
  if(NOT replay_exit EQUAL 1)
    message(FATAL_ERROR "--replay ${recipe} exited ${replay_exit}, expected 1 (the failure)")
  endif()
  file(READ ${WORK_DIR}/replay${attempt}.json replay)
  string(JSON replay_hash GET "${replay}" seeds 0 trace_hash)
  string(JSON replay_error GET "${replay}" seeds 0 error)
  if(NOT replay_hash STREQUAL expected_hash OR NOT replay_error STREQUAL expected_error)
    message(FATAL_ERROR "replay ${attempt}: trace ${replay_hash} '${replay_error}'; "
                        "exploration saw ${expected_hash} '${expected_error}'")
  endif()
endforeach()
math(EXPR wall_ms "${wall_ns} / 1000000")
message(STATUS "${plain_iterations} plain seeds: no bug. Exploration: ${bugs} failing of "
               "${timelines} timelines in ${wall_ms} ms (${branching}; first bug after "
               "${first_bug_seconds} s, at timeline ${first_bug_timeline}); the recipe replays "
               "to trace ${expected_hash}: ${expected_error}")
