# Sources of emulator/link (appended to MILINK_EMULATOR_SOURCES): the Managed
# Instance link simulated over both servers' state and the ARM resources.
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/link_simulator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/log_model.cpp
)
