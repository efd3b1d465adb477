# Sources of framework/plugin_host (appended to MILINK_FRAMEWORK_SOURCES).
list(APPEND MILINK_FRAMEWORK_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/elf_dynamic_symbols.cpp
  ${CMAKE_CURRENT_LIST_DIR}/load_plugin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/registry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/search_path.cpp)
