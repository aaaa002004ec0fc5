# moonpool::gtest: runs a SimulationBuilder inside a GoogleTest TEST
# (include/moonpool/sim/gtest.hpp). A library of its own, built and
# installed only where GoogleTest is found, so that the core library never
# needs GoogleTest.
find_package(GTest)
if(NOT GTest_FOUND)
  message(STATUS "moonpool: GoogleTest not found: moonpool::gtest is not built "
                 "(install libgtest-dev to have it)")
  return()
endif()
add_library(moonpool_gtest
  ${CMAKE_CURRENT_LIST_DIR}/simulation_passes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_environment.cpp
)
add_library(moonpool::gtest ALIAS moonpool_gtest)
target_link_libraries(moonpool_gtest PUBLIC moonpool GTest::gtest)
moonpool_set_warnings(moonpool_gtest)
# Installed as moonpool::gtest, in an export set of its own
# (cmake/moonpool_install.cmake).
set_target_properties(moonpool_gtest PROPERTIES EXPORT_NAME gtest)
