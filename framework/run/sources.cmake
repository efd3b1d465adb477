# Sources of framework/run (appended to MILINK_FRAMEWORK_SOURCES).
list(APPEND MILINK_FRAMEWORK_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/audit_log.cpp
  ${CMAKE_CURRENT_LIST_DIR}/concurrency.cpp
  ${CMAKE_CURRENT_LIST_DIR}/config_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/interrupt.cpp
  ${CMAKE_CURRENT_LIST_DIR}/journal.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_sink.cpp
  ${CMAKE_CURRENT_LIST_DIR}/param_resolver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plan_render.cpp
  ${CMAKE_CURRENT_LIST_DIR}/provider_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/redactor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/run_lock.cpp
  ${CMAKE_CURRENT_LIST_DIR}/runner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/step_config_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/step_context.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text_sink.cpp
  ${CMAKE_CURRENT_LIST_DIR}/version.cpp)
