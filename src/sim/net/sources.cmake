# The simulated network's sources, included from the top-level CMakeLists.
target_sources(moonpool PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/acceptor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/byte_queue.cpp
  ${CMAKE_CURRENT_LIST_DIR}/network.cpp
  ${CMAKE_CURRENT_LIST_DIR}/network_config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/resolver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/socket.cpp
  ${CMAKE_CURRENT_LIST_DIR}/world_network.cpp
)
