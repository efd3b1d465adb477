# Sources of framework/sql (appended to MILINK_FRAMEWORK_SOURCES).
list(APPEND MILINK_FRAMEWORK_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/connect_error.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connection_string.cpp
  ${CMAKE_CURRENT_LIST_DIR}/freetds_conf.cpp
  ${CMAKE_CURRENT_LIST_DIR}/odbc_batch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/odbc_diag.cpp
  ${CMAKE_CURRENT_LIST_DIR}/odbc_params.cpp
  ${CMAKE_CURRENT_LIST_DIR}/odbc_results.cpp
  ${CMAKE_CURRENT_LIST_DIR}/read_only.cpp
  ${CMAKE_CURRENT_LIST_DIR}/session_reset.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sql_error.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sql_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sql_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/target_settings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tls_probe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/utf16.cpp)
