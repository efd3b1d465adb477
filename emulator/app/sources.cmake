# Sources of emulator/app: the Emulator (both personalities and their
# listeners) goes into the library; main.cpp is the milink-emulator binary.
list(APPEND MILINK_EMULATOR_SOURCES ${CMAKE_CURRENT_LIST_DIR}/emulator.cpp)
set(MILINK_EMULATOR_MAIN_SOURCES ${CMAKE_CURRENT_LIST_DIR}/main.cpp)
# The same version as `milink --version` (framework/CMakeLists.txt): the project's.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/main.cpp PROPERTIES
  COMPILE_DEFINITIONS "MILINK_VERSION=\"${PROJECT_VERSION}\"")
