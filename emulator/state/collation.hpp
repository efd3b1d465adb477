//===- emulator/state/collation.hpp - Server collations ----------*- C++ -*-===//
///
/// \file
/// The collations the emulator knows: their TDS bytes (ENVCHANGE 7,
/// column metadata) and how they compare names and strings. Object names,
/// database names, login names, variable names and string comparisons all
/// follow the server collation (case-insensitive for *_CI_*); trailing
/// blanks never matter in = comparisons (ANSI padding).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace milink::emulator {

struct CollationInfo {
  const char* name;
  std::uint32_t lcid;
  std::uint8_t flags;    ///< third collation byte: ignore-case 0x10, -accent 0x20, -kana 0x40, -width 0x80
  std::uint8_t sort_id;  ///< SQL collations; 0 for Windows collations
  bool case_insensitive;
  bool accent_insensitive;
};

/// The collation called \p name (case-insensitive match), or nullptr.
const CollationInfo* find_collation(std::string_view name);
/// Every collation name the emulator accepts.
std::vector<std::string> known_collation_names();

/// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(const std::u32string& s);
void utf8_append(std::string& out, char32_t c);
/// Number of characters (code points) in UTF-8 text.
std::size_t utf8_length(std::string_view s);
/// UTF-16LE bytes of UTF-8 text (nvarchar's storage), and back.
std::vector<std::uint8_t> utf8_to_utf16le(std::string_view s);
std::string utf16le_to_utf8(const std::vector<std::uint8_t>& bytes);

/// Simple case folding for Latin, Greek and Cyrillic letters.
char32_t fold_case(char32_t c);
char32_t upper_case(char32_t c);
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
/// ASCII-only upper-casing for keywords.
std::string ascii_upper(std::string_view s);

/// Three-way comparison under a collation: case (and accent) folding per
/// \p ci / \p ai, trailing blanks ignored.
int collate_compare(std::string_view a, std::string_view b, bool ci);
inline bool collate_equal(std::string_view a, std::string_view b, bool ci) { return collate_compare(a, b, ci) == 0; }

/// Byte-exact equality ignoring ASCII case only (keywords, option names).
bool iequals(std::string_view a, std::string_view b);

}  // namespace milink::emulator
