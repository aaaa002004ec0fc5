# sim-crash-demo: user code that crashes, exits and hangs never loses a seed.
#
#  1. --isolate: every crash is a failing seed naming its signal or status,
#     the run goes on to the last seed, and the report is whole.
#  2. A plain run stops at the first crash with a replay command, and leaves
#     a valid JSON report of the seeds run so far, marked incomplete.
#  3. Each kind of crash, replayed alone from its seed, dies the same way.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run_demo result_var stderr_var)
  execute_process(COMMAND ${BINARY} ${ARGN} WORKING_DIRECTORY ${WORK_DIR}
                  RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_QUIET TIMEOUT 300)
  set(${result_var} "${code}" PARENT_SCOPE)
  set(${stderr_var} "${err}" PARENT_SCOPE)
endfunction()

# 1. Isolated.
run_demo(code err --isolate --seed-timeout 2 --iterations ${ITERATIONS} --quiet
         --report-json isolated.json)
if(NOT code EQUAL 1)
  message(FATAL_ERROR "--isolate run exited ${code}, expected 1; stderr:\n${err}")
endif()
file(READ ${WORK_DIR}/isolated.json report)
string(JSON incomplete GET "${report}" incomplete)
string(JSON iterations GET "${report}" iterations)
string(JSON failed GET "${report}" failed)
if(incomplete OR NOT iterations EQUAL ${ITERATIONS})
  message(FATAL_ERROR "--isolate: expected a whole report of ${ITERATIONS} seeds, got "
                      "incomplete=${incomplete} iterations=${iterations}")
endif()
string(JSON seed_count LENGTH "${report}" seeds)
math(EXPR last "${seed_count} - 1")
set(kinds segv abrt exit spin)
set(pattern_segv "signal 11")
if(SANITIZED)
  # The sanitizers own a null dereference (UBSan sees it first, else ASan's
  # SIGSEGV handler): they report it with a stack and exit with status 1;
  # moonpool's handler steps aside.
  set(pattern_segv "signal 11|crashed \\(isolated process exited with status 1\\)")
endif()
set(pattern_abrt "signal 6")
set(pattern_exit "exit\\(\\)")
set(pattern_spin "one handler")
foreach(i RANGE ${last})
  string(JSON ok GET "${report}" seeds ${i} ok)
  if(ok)
    continue()
  endif()
  string(JSON error GET "${report}" seeds ${i} error)
  string(JSON seed GET "${report}" seeds ${i} seed)
  foreach(kind IN LISTS kinds)
    if(error MATCHES "${pattern_${kind}}" AND NOT DEFINED found_${kind})
      set(found_${kind} ${seed})
    endif()
  endforeach()
endforeach()
foreach(kind IN LISTS kinds)
  if(NOT DEFINED found_${kind})
    message(FATAL_ERROR "--isolate: no failing seed says '${pattern_${kind}}' among ${failed} failures")
  endif()
  message(STATUS "${kind}: seed ${found_${kind}}")
endforeach()

# 2. Plain: the first crash ends the run, with a report.
run_demo(code err --seed-timeout 2 --iterations ${ITERATIONS} --report-json plain.json)
if(code EQUAL 0)
  message(FATAL_ERROR "a plain run of crashing seeds exited 0")
endif()
if(NOT err MATCHES "replay it with: [^\n]*sim-crash-demo --seed [0-9]+")
  message(FATAL_ERROR "a plain run did not print a replay command; stderr:\n${err}")
endif()
file(READ ${WORK_DIR}/plain.json report)
string(JSON incomplete GET "${report}" incomplete)
string(JSON stop GET "${report}" stop_reason)
string(JSON seed_count LENGTH "${report}" seeds)
math(EXPR last "${seed_count} - 1")
string(JSON last_ok GET "${report}" seeds ${last} ok)
string(JSON replay GET "${report}" seeds ${last} replay)
if(NOT incomplete OR NOT stop STREQUAL "aborted" OR last_ok)
  message(FATAL_ERROR "plain run report: incomplete=${incomplete} stop_reason=${stop} "
                      "last seed ok=${last_ok}")
endif()
message(STATUS "plain run: stopped after ${seed_count} seeds; report says: ${replay}")

# 3. Each kind replays alone.
run_demo(code err --seed ${found_segv})
if(SANITIZED AND err MATCHES "AddressSanitizer: SEGV|runtime error: [^\n]*null pointer")
  message(STATUS "seed ${found_segv}: the sanitizer reported the null dereference")
elseif(NOT code MATCHES "Segmentation fault" OR NOT err MATCHES "seed ${found_segv} crashed")
  message(FATAL_ERROR "seed ${found_segv} replayed as '${code}'; stderr:\n${err}")
endif()
run_demo(code err --seed ${found_abrt})
if(NOT code MATCHES "[Aa]bort" OR NOT err MATCHES "seed ${found_abrt} crashed")
  message(FATAL_ERROR "seed ${found_abrt} replayed as '${code}'; stderr:\n${err}")
endif()
run_demo(code err --seed ${found_exit})
if(NOT code EQUAL 1 OR NOT err MATCHES "called exit\\(\\) inside the simulation")
  message(FATAL_ERROR "seed ${found_exit} replayed as '${code}'; stderr:\n${err}")
endif()
run_demo(code err --seed ${found_spin} --seed-timeout 1 --report-json spin.json)
if(NOT code EQUAL 1 OR NOT err MATCHES "one handler")
  message(FATAL_ERROR "seed ${found_spin} replayed as '${code}'; stderr:\n${err}")
endif()
file(READ ${WORK_DIR}/spin.json report)
string(JSON incomplete GET "${report}" incomplete)
if(NOT incomplete)
  message(FATAL_ERROR "a spinning seed's report is not marked incomplete")
endif()
