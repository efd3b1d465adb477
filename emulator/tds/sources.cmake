# Sources of emulator/tds (appended to MILINK_EMULATOR_SOURCES): the TDS 7.x
# protocol layer (packets, PRELOGIN, TLS, LOGIN7, requests, tokens, server),
# plus engine/type_info.cpp (the sp_datatype_info_100 table it serves).
list(APPEND MILINK_EMULATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/byte_io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text_codec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/packet_io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tls_channel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/prelogin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/login7.cpp
  ${CMAKE_CURRENT_LIST_DIR}/type_codec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rpc_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/token_writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/request_handler.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tds_server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../engine/type_info.cpp)
