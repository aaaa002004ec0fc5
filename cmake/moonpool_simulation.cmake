# moonpool_add_simulation(<target> [NAME <test>] [ARGS <arg>...])
#
# Registers a simulation executable (one that calls moonpool::sim::run_main)
# as a CTest test: the test runs it with ARGS (e.g. --iterations 500), and
# fails when any seed fails; the failing seeds, each with its replay
# command, are in the test's output. Installed with the package:
#
#   find_package(moonpool CONFIG REQUIRED)
#   add_executable(sim-orders orders_sim.cpp)
#   target_link_libraries(sim-orders PRIVATE moonpool::moonpool)
#   enable_testing()
#   moonpool_add_simulation(sim-orders ARGS --iterations 500)
function(moonpool_add_simulation target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "NAME" "ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "moonpool_add_simulation(${target}): unexpected arguments "
                        "'${arg_UNPARSED_ARGUMENTS}'; pass the program's flags after ARGS")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "moonpool_add_simulation(${target}): no target named '${target}'; "
                        "add_executable(${target} ...) first")
  endif()
  set(name ${target})
  if(arg_NAME)
    set(name ${arg_NAME})
  endif()
  add_test(NAME ${name} COMMAND ${target} ${arg_ARGS})
endfunction()
