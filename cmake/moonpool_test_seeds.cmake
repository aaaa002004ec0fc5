# How many seeds a CTest simulation runs. Sanitized builds (the asan preset
# turns MOONPOOL_SANITIZED on) run every test, each over fewer seeds: ASan
# and UBSan make a seed several times slower, and a sanitizer finding shows
# up in the first seeds as surely as in the thousandth, because every seed
# runs the same code paths with different numbers.
set(moonpool_default_seed_percent 100)
if(MOONPOOL_SANITIZED)
  set(moonpool_default_seed_percent 10)
endif()
set(MOONPOOL_TEST_SEED_PERCENT ${moonpool_default_seed_percent} CACHE STRING
    "Percentage of each CTest simulation's seed count to run (100 normally, 10 in sanitized builds)")
if(NOT MOONPOOL_TEST_SEED_PERCENT MATCHES "^[0-9]+$" OR MOONPOOL_TEST_SEED_PERCENT EQUAL 0
   OR MOONPOOL_TEST_SEED_PERCENT GREATER 100)
  message(FATAL_ERROR
    "MOONPOOL_TEST_SEED_PERCENT must be an integer in 1..100, not '${MOONPOOL_TEST_SEED_PERCENT}'")
endif()

# moonpool_test_seeds(<var> <full> [MIN <min>]): sets <var> to <full> seeds
# scaled by MOONPOOL_TEST_SEED_PERCENT, but never below <min> (default 1)
# nor above <full>. MIN is for tests whose claim needs a number of seeds:
# a bug demo must still reach its first failing seed, a pass-rate check
# must still have seeds enough for its percentage to mean something.
function(moonpool_test_seeds var full)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "MIN" "")
  if(NOT DEFINED arg_MIN)
    set(arg_MIN 1)
  endif()
  math(EXPR seeds "${full} * ${MOONPOOL_TEST_SEED_PERCENT} / 100")
  if(seeds LESS arg_MIN)
    set(seeds ${arg_MIN})
  endif()
  if(seeds GREATER full)
    set(seeds ${full})
  endif()
  set(${var} ${seeds} PARENT_SCOPE)
endfunction()

# moonpool_test_timeout(<test>... SECONDS <s>): a per-test TIMEOUT that
# sanitized builds multiply by MOONPOOL_SANITIZER_TIMEOUT_FACTOR, for tests
# whose work the seed percentage does not shrink (a fixed replay, a
# compile, an exploration of a fixed size).
set(MOONPOOL_SANITIZER_TIMEOUT_FACTOR 3 CACHE STRING
    "How much longer a CTest TIMEOUT is in sanitized builds")
function(moonpool_test_timeout)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SECONDS" "")
  set(seconds ${arg_SECONDS})
  if(MOONPOOL_SANITIZED)
    math(EXPR seconds "${seconds} * ${MOONPOOL_SANITIZER_TIMEOUT_FACTOR}")
  endif()
  set_tests_properties(${arg_UNPARSED_ARGUMENTS} PROPERTIES TIMEOUT ${seconds})
endfunction()

# moonpool_sanitized_leaves_out(<target>...): in a sanitized build, these
# targets are not built and the tests of the current directory that run
# them (by name: <test> is "<target>.*" or "<target>" for a sim-* target)
# are registered as DISABLED, so ctest lists them as not run rather than
# failing to find them. Call it at the end of a directory's CMakeLists.txt,
# after its tests are added. CI builds every target twice; under the
# sanitizers it builds the engine, its unit tests and a set of demos that
# drive every layer (docs/debugging.md, "Under the sanitizers"), so that
# the whole of CI fits its time.
function(moonpool_sanitized_leaves_out)
  if(NOT MOONPOOL_SANITIZED)
    return()
  endif()
  get_property(directory_tests DIRECTORY PROPERTY TESTS)
  foreach(target IN LISTS ARGN)
    set_target_properties(${target} PROPERTIES EXCLUDE_FROM_ALL ON)
    string(REPLACE "." "\\." target_pattern "${target}")
    string(REPLACE "+" "\\+" target_pattern "${target_pattern}")
    foreach(test IN LISTS directory_tests)
      if(test MATCHES "^${target_pattern}(\\.|$)")
        set_tests_properties(${test} PROPERTIES DISABLED TRUE)
      endif()
    endforeach()
  endforeach()
endfunction()
