//===- emulator/tds/text_codec.hpp - UTF-16LE, code pages, collations -*- C++ -*-===//
///
/// \file
/// Text conversions the TDS layer needs: UCS-2/UTF-16LE (every string on the
/// wire) to and from UTF-8 (the engine's strings), single-byte VARCHAR/TEXT
/// data decoded with the code page of its collation, and the 5-byte TDS
/// collation itself.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace milink::emulator::tds {

/// UTF-16LE to UTF-8. Unpaired surrogates become U+FFFD.
std::string utf16le_to_utf8(const std::uint8_t* data, std::size_t bytes);
/// UTF-8 to UTF-16LE. Invalid sequences become U+FFFD.
std::vector<std::uint8_t> utf8_to_utf16le(const std::string& utf8);

/// The 5-byte TDS collation: LCID (20 bits), comparison flags (8 bits),
/// version (4 bits), then the SQL sort id.
struct Collation {
  std::array<std::uint8_t, 5> bytes{{0x09, 0x04, 0xD0, 0x00, 0x34}};

  static Collation from_identity(const ServerIdentity& id);
  std::uint32_t lcid() const noexcept { return bytes[0] | (bytes[1] << 8) | ((bytes[2] & 0x0F) << 16); }
  std::uint8_t sort_id() const noexcept { return bytes[4]; }
  bool utf8() const noexcept { return (bytes[3] & 0x04) != 0; }  ///< fUTF8 (SQL Server 2019 _UTF8 collations)
  /// The Windows code page of single-byte data in this collation (1252 for
  /// LCID 0x0409 and for SQL_Latin1_General_CP1 sort ids), 65001 for UTF-8.
  int code_page() const noexcept;
};

/// Single-byte (or DBCS) text in \p code_page to UTF-8. Bytes that do not
/// convert become U+FFFD.
std::string decode_code_page(const std::uint8_t* data, std::size_t bytes, int code_page);

}  // namespace milink::emulator::tds
