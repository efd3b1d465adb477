# Sources of emulator/http (appended to MILINK_EMULATOR_SOURCES): the HTTPS
# and plain-HTTP listeners of the emulator's Azure side, their certificate,
# routing and the small codecs (base64url, hex, forms) they need.
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/connection_gate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connection_watch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/encoding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tls_material.cpp
)
