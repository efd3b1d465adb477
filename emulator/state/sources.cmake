# Sources of emulator/state (appended to MILINK_EMULATOR_SOURCES): the
# emulated servers' state, the scenario that builds it, certificates,
# SQL Server Agent (its service and msdb's jobs).
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/agent.cpp
  ${CMAKE_CURRENT_LIST_DIR}/azure_state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/collation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/existing_ag.cpp
  ${CMAKE_CURRENT_LIST_DIR}/network.cpp
  ${CMAKE_CURRENT_LIST_DIR}/replica_membership.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scenario.cpp
  ${CMAKE_CURRENT_LIST_DIR}/server_state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/state_dump.cpp
  ${CMAKE_CURRENT_LIST_DIR}/statement_log.cpp
  ${CMAKE_CURRENT_LIST_DIR}/time_util.cpp
  ${CMAKE_CURRENT_LIST_DIR}/world.cpp
  ${CMAKE_CURRENT_LIST_DIR}/x509.cpp
)
