# A Debian package built with CPack: `cpack -G DEB` in the build directory
# writes milink_<version>_<arch>.deb, which installs under /usr (plugins in
# /usr/lib/milink/plugins) and is installed with `apt install ./milink_*.deb`.
set(CPACK_PACKAGE_NAME milink)
set(CPACK_PACKAGE_VENDOR "milink")
# Who answers for the package (Debian's Maintainer field; SECURITY.md sends
# vulnerability reports there) and its web page. A distributor sets both; the
# Homepage field is left out rather than filled with a made-up address.
set(MILINK_MAINTAINER "milink maintainers <milink@example.invalid>" CACHE STRING
  "Maintainer of the Debian package: 'Name <address>'")
set(MILINK_HOMEPAGE "" CACHE STRING "Homepage field of the Debian package (left out when empty)")
set(CPACK_PACKAGE_CONTACT "${MILINK_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Links SQL Server databases to Azure SQL Managed Instance")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "milink sets up the Managed Instance link (a distributed availability group replicating a SQL Server database to "
  "Azure SQL Managed Instance) as reviewable, resumable workflows of plugin steps. The package holds milink, its "
  "emulator, the bundled plugins and workflows, and the SDK (headers, library, CMake package) to build step plugins.")
if(MILINK_HOMEPAGE)
  set(CPACK_PACKAGE_HOMEPAGE_URL "${MILINK_HOMEPAGE}")
endif()
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
# Shared-library dependencies come from dpkg-shlibdeps; libmilink_sdk is the
# package's own. The FreeTDS ODBC driver is loaded at run time, so it is named
# here; building plugins needs the SDK headers' dependencies and a compiler.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/lib)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tdsodbc, unixodbc")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libboost-dev, libpoco-dev, cmake, g++")
include(CPack)
