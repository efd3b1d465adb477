# Sources of framework/retry (appended to MILINK_FRAMEWORK_SOURCES).
list(APPEND MILINK_FRAMEWORK_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/policy.cpp)
