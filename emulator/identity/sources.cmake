# Sources of emulator/identity (appended to MILINK_EMULATOR_SOURCES): the
# emulated Entra ID (tenants, service principals, token endpoints, signing
# keys) and the managed-identity endpoints (IMDS, App Service, Azure Arc).
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/directory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/entra_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jwt.cpp
  ${CMAKE_CURRENT_LIST_DIR}/managed_identity_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/token_service.cpp
)
