# Runs one program of the user guide as the guide runs it, and checks it
# against what the guide shows: the exit status, and every key line of the
# output the chapter pastes (docs/guide/README.md, "For contributors").
#
#   cmake -DPROGRAM=<exe> -DARGS=<list> -DEXIT=<status> [-DKEYS_FILE=<file>] -P guide_run_snippet.cmake

cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${PROGRAM}" ${ARGS}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(printed "${out}${err}")
message("${printed}")

list(JOIN ARGS " " shown_args)
if(NOT status STREQUAL EXIT)
  message(FATAL_ERROR
    " guide: ${PROGRAM} ${shown_args} exited with '${status}', the guide says ${EXIT}; fix the snippet or the exit= of its output marker")
endif()

if(KEYS_FILE)
  file(STRINGS "${KEYS_FILE}" keys)
  foreach(key IN LISTS keys)
    string(FIND "${printed}" "${key}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR
        " guide: ${PROGRAM} printed no line containing '${key}', which the guide shows; paste the real output into the chapter")
    endif()
  endforeach()
endif()
