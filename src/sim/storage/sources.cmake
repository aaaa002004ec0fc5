# The simulated storage's sources, included from the top-level CMakeLists.
target_sources(moonpool PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/disk.cpp
  ${CMAKE_CURRENT_LIST_DIR}/episodes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/storage_config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/storage_system.cpp
  ${CMAKE_CURRENT_LIST_DIR}/world_storage.cpp
)
