# Sources of framework/status (appended to MILINK_FRAMEWORK_SOURCES): `milink status`.
list(APPEND MILINK_FRAMEWORK_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/arm_side.cpp
  ${CMAKE_CURRENT_LIST_DIR}/assess.cpp
  ${CMAKE_CURRENT_LIST_DIR}/render.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sql_side.cpp)
