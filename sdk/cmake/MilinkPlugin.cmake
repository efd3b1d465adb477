# milink_add_plugin(NAME <name> SOURCES <src>... [LINK <libs>...] [OUTPUT_DIRECTORY <dir>])
#
# Builds a milink step plugin the one supported way, for bundled plugins and
# out-of-tree ones alike:
#  * a MODULE library named lib<name>.so that links milink::sdk;
#  * hidden visibility, so the only exported symbol is the entry alias that
#    MILINK_PLUGIN emits (no symbol shadowing between plugins);
#  * -Wl,--no-undefined, so a missing symbol fails the link, not a run;
#  * C++17, the language level milink is built with (part of the build
#    fingerprint the loader compares: another level would be refused).
function(milink_add_plugin)
  cmake_parse_arguments(ARG "" "NAME;OUTPUT_DIRECTORY" "SOURCES;LINK" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SOURCES)
    message(FATAL_ERROR "milink_add_plugin: NAME and SOURCES are required")
  endif()
  add_library(${ARG_NAME} MODULE ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE milink::sdk ${ARG_LINK})
  set_target_properties(${ARG_NAME} PROPERTIES
    PREFIX "lib"
    CXX_STANDARD 17
    CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${ARG_NAME} PRIVATE -Wl,--no-undefined)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${ARG_NAME} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED MILINK_PLUGIN_OUTPUT_DIR)
    set_target_properties(${ARG_NAME} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${MILINK_PLUGIN_OUTPUT_DIR})
  endif()
  # Inside milink's own build the bundled plugins are installed next to milink;
  # a plugin project outside it installs its module wherever it likes (or not
  # at all) and points milink at it with --plugin-path or MILINK_PLUGIN_PATH.
  if(DEFINED MILINK_PLUGIN_INSTALL_DIR AND NOT ARG_OUTPUT_DIRECTORY)
    if(DEFINED MILINK_PLUGIN_INSTALL_RPATH)
      set_target_properties(${ARG_NAME} PROPERTIES INSTALL_RPATH "${MILINK_PLUGIN_INSTALL_RPATH}")
    endif()
    install(TARGETS ${ARG_NAME} LIBRARY DESTINATION ${MILINK_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
