# Sources of framework/run (appended to MILINK_FRAMEWORK_SOURCES).
list(APPEND MILINK_FRAMEWORK_SOURCES ${CMAKE_CURRENT_LIST_DIR}/version.cpp)
