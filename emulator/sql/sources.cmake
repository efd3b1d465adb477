# Sources of emulator/sql (appended to MILINK_EMULATOR_SOURCES): the T-SQL
# engine behind the TDS layer (tokenizer, parser, executor, catalog views).
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/ast.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/errors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/eval.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_ag.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_agent.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_agent_jobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_database.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_endpoint.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_messages.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_procs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exec_security.cpp
  ${CMAKE_CURRENT_LIST_DIR}/executor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lexer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/select.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sql_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/types.cpp
  ${CMAKE_CURRENT_LIST_DIR}/view_cache.cpp
)
