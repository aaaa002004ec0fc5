# The production storage provider's sources, included from the top-level CMakeLists.
target_sources(moonpool PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/posix.cpp
)
