# Sources of emulator/arm (appended to MILINK_EMULATOR_SOURCES): Azure
# Resource Manager's routes for the Managed Instance link, checked against
# the project's own contract (contract/: per type and api-version, compiled
# in), and AzureEmulator, which the app owns (ARM + Entra ID + managed identity).
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/arm_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/azure_emulator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/contract/contract.cpp
  ${CMAKE_CURRENT_LIST_DIR}/contract/links.cpp
  ${CMAKE_CURRENT_LIST_DIR}/contract/certificates.cpp
  ${CMAKE_CURRENT_LIST_DIR}/contract/errors.cpp
)
