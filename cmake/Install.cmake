# What `cmake --install` puts where (relative to the prefix):
#   bin/milink, bin/milink-emulator
#   lib/milink/plugins/*.so                the bundled plugins (milink looks in ../lib/milink/plugins)
#   <libdir>/libmilink_sdk.so*             the SDK library
#   include/milink/sdk/*.hpp               the SDK headers
#   <libdir>/cmake/milink/                 the CMake package (find_package(milink))
#   share/milink/workflows/                the bundled workflows
#   share/milink/azure-specs/              the ARM specifications the emulator validates against
#   share/doc/milink/                      README and docs
include(CMakePackageConfigHelpers)

set(MILINK_WORKFLOWS_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/milink/workflows)
set(MILINK_PACKAGE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/milink)

# The SDK ABI number, for the package (plugins built against it must match).
file(STRINGS ${PROJECT_SOURCE_DIR}/sdk/include/milink/sdk/abi.hpp _abi_line REGEX "^#define MILINK_SDK_ABI [0-9]+")
string(REGEX REPLACE "^#define MILINK_SDK_ABI ([0-9]+).*" "\\1" MILINK_SDK_ABI "${_abi_line}")

install(TARGETS milink_sdk EXPORT milinkTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/include/milink DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT milinkTargets NAMESPACE milink:: DESTINATION ${MILINK_PACKAGE_INSTALL_DIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/milinkConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/milinkConfig.cmake
  INSTALL_DESTINATION ${MILINK_PACKAGE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR MILINK_PLUGIN_INSTALL_DIR MILINK_WORKFLOWS_INSTALL_DIR)
# Plugins must match the SDK ABI exactly; the package version tracks milink's
# minor version, in which the ABI does not change.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/milinkConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/package/milinkConfig.cmake
  ${PROJECT_BINARY_DIR}/package/milinkConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/sdk/cmake/MilinkPlugin.cmake
  DESTINATION ${MILINK_PACKAGE_INSTALL_DIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/workflows/ DESTINATION ${MILINK_WORKFLOWS_INSTALL_DIR}
  FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  FILES_MATCHING PATTERN "*.md")
