# Sources of framework/arm (appended to MILINK_FRAMEWORK_SOURCES).
list(APPEND MILINK_FRAMEWORK_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/arm_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/arm_setup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/token_cache.cpp
  ${CMAKE_CURRENT_LIST_DIR}/token_http.cpp)
