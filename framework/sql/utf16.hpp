//===- sql/utf16.hpp - UTF-8 <-> UTF-16 for ODBC wide calls -----*- C++ -*-===//
///
/// \file
/// The SQL service talks to the driver through the ODBC wide (W) calls and
/// SQL_C_WCHAR buffers, so text never depends on the driver's idea of the
/// client character set. unixODBC's SQLWCHAR is 16 bits: UTF-16LE.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace milink::sql {

/// UTF-8 to UTF-16. Invalid sequences become U+FFFD.
std::u16string utf8_to_utf16(const std::string& utf8);
/// UTF-16 to UTF-8. Unpaired surrogates become U+FFFD.
std::string utf16_to_utf8(const std::u16string& utf16);
std::string utf16_to_utf8(const char16_t* data, std::size_t length);

}  // namespace milink::sql
