# Sources of emulator/arm (appended to MILINK_EMULATOR_SOURCES): Azure
# Resource Manager's routes for the Managed Instance link, checked against
# the Azure REST API specs copied under specs/ (loaded at start), and
# AzureEmulator, which the app owns (ARM + Entra ID + managed identity).
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/arm_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/azure_emulator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/spec_catalog.cpp
)
# The specs are found next to the binary once installed
# (<prefix>/share/milink/azure-specs), else in this source tree.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/spec_catalog.cpp PROPERTIES COMPILE_DEFINITIONS
  "MILINK_AZURE_SPECS_SOURCE_DIR=\"${CMAKE_CURRENT_LIST_DIR}/specs\";MILINK_AZURE_SPECS_INSTALL_SUFFIX=\"${CMAKE_INSTALL_DATADIR}/milink/azure-specs\"")
install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/specs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/milink/azure-specs)
