# Installs headers, the library and a CMake package, so that another project
# can do find_package(moonpool CONFIG REQUIRED) and link moonpool::moonpool
# (and moonpool::tls, deterministic OpenSSL; moonpool::gtest, the GoogleTest
# helper, when GoogleTest was found).
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/moonpool DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS moonpool moonpool_tls EXPORT moonpool-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT moonpool-targets NAMESPACE moonpool::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/moonpool)
# In an export set of its own: moonpool-config.cmake loads it only when the
# consuming project finds GoogleTest too, so that a project without
# GoogleTest can still use the rest.
if(TARGET moonpool_gtest)
  install(TARGETS moonpool_gtest EXPORT moonpool-gtest-targets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT moonpool-gtest-targets NAMESPACE moonpool::
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/moonpool)
endif()

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
