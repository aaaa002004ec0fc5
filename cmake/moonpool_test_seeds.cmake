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
