# Sources of libmilink_sdk, one list for the shared library (sdk/CMakeLists.txt)
# and the instrumented copy the fuzz targets link (fuzz/CMakeLists.txt).
set(MILINK_SDK_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/src/arm_list.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/base64.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/boundary.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/http_util.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/params.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/quote.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/spec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/sql_value.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/unicode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/value.cpp)
