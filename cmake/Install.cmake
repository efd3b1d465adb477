# What `cmake --install` puts where (relative to the prefix):
#   bin/milink, bin/milink-emulator
#   lib/milink/plugins/*.so                the bundled plugins (milink looks in ../lib/milink/plugins)
#   <libdir>/libmilink_sdk.so*             the SDK library
#   include/milink/sdk/*.hpp               the SDK headers
#   <libdir>/cmake/milink/                 the CMake package (find_package(milink))
#   share/milink/workflows/                the bundled workflows
#   share/doc/milink/                      README and docs
include(CMakePackageConfigHelpers)

set(MILINK_WORKFLOWS_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/milink/workflows)
set(MILINK_PACKAGE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/milink)


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
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${PROJECT_SOURCE_DIR}/SECURITY.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

# share/doc/milink/copyright in Debian's machine-readable format (DEP-5): the
# License paragraph is LICENSE itself, each line indented, blank lines as " .".
file(READ ${PROJECT_SOURCE_DIR}/LICENSE _license)
string(STRIP "${_license}" _license)
string(REGEX REPLACE "\n\n" "\n.\n" _license "${_license}")
string(REGEX REPLACE "\n" "\n " _license "${_license}")
set(_source_line "")
if(MILINK_HOMEPAGE)
  set(_source_line "Source: ${MILINK_HOMEPAGE}\n")
endif()
file(WRITE ${PROJECT_BINARY_DIR}/package/copyright
  "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
  "Upstream-Name: milink\n"
  "${_source_line}"
  "\n"
  "Files: *\n"
  "Copyright: 2026 The milink authors\n"
  "License: MIT\n"
  " ${_license}\n")
install(FILES ${PROJECT_BINARY_DIR}/package/copyright ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  FILES_MATCHING PATTERN "*.md")
