# Sources of emulator/faults (appended to MILINK_EMULATOR_SOURCES): injected
# failures per service (--faults SPEC), and what they do on the TDS servers.
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/fault_plan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sql_faults.cpp
)
