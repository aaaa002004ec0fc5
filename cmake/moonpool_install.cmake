# Installs headers, the library and a CMake package, so that another project
# can do find_package(moonpool CONFIG REQUIRED) and link moonpool::moonpool
# (and moonpool::tls, deterministic OpenSSL).
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/moonpool DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS moonpool moonpool_tls EXPORT moonpool-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT moonpool-targets NAMESPACE moonpool::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/moonpool)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/moonpool-config.cmake.in
  ${PROJECT_BINARY_DIR}/moonpool-config.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/moonpool)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/moonpool-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/moonpool-config.cmake
              ${PROJECT_BINARY_DIR}/moonpool-config-version.cmake
              ${PROJECT_SOURCE_DIR}/cmake/moonpool_edge_coverage.cmake
              ${PROJECT_SOURCE_DIR}/cmake/moonpool_simulation.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/moonpool)
