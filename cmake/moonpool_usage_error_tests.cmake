# One test per "label:arg|arg|..." case: `target` given those arguments
# exits 2 with one line on stderr. Tests are named <prefix>.<label>.
function(moonpool_usage_error_tests target prefix)
  foreach(case IN LISTS ARGN)
    string(FIND "${case}" ":" colon)
    string(SUBSTRING "${case}" 0 ${colon} label)
    math(EXPR start "${colon} + 1")
    string(SUBSTRING "${case}" ${start} -1 arguments)
    add_test(NAME ${prefix}.${label}
      COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:${target}> "-DARGS=${arguments}"
              -P ${PROJECT_SOURCE_DIR}/examples/check_usage_error.cmake)
  endforeach()
endfunction()

