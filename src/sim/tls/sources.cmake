# moonpool::tls: deterministic OpenSSL inside a simulation
# (include/moonpool/sim/tls.hpp). A library of its own, so that the core
# moonpool library and its headers never need OpenSSL.
find_package(OpenSSL 3.0 REQUIRED)
add_library(moonpool_tls
  ${CMAKE_CURRENT_LIST_DIR}/context.cpp
  ${CMAKE_CURRENT_LIST_DIR}/provider.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_pki.cpp
)
add_library(moonpool::tls ALIAS moonpool_tls)
target_link_libraries(moonpool_tls PUBLIC moonpool OpenSSL::SSL OpenSSL::Crypto)
moonpool_set_warnings(moonpool_tls)
# Installed as moonpool::tls beside moonpool::moonpool.
set_target_properties(moonpool_tls PROPERTIES EXPORT_NAME tls)
