//===- milink/sdk/unicode.hpp - UTF-8, UTF-16 and UTF-32 conversions -*- C++ -*-===//
///
/// \file
/// The one implementation of UTF-8 encoding and of the UTF-8 <-> UTF-16 /
/// UTF-32 conversions that milink, the emulator and the JSON reader share.
/// Nothing here throws on bad input: a malformed unit becomes U+FFFD (or, when
/// the caller asks for it, is kept as it stands), so text from a driver or a
/// client always converts.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <string_view>

namespace milink::sdk::unicode {

/// U+FFFD REPLACEMENT CHARACTER, what malformed input becomes.
inline constexpr char32_t replacement_character = 0xFFFD;

/// How UTF-8 decoding judges a multi-byte sequence. In both modes a byte that
/// cannot start a sequence (0x80-0xBF, 0xF8-0xFF) and a sequence cut short or
/// missing a continuation byte become U+FFFD, and decoding resumes at the next
/// byte.
enum class Utf8Decoding {
  strict,   ///< also overlong forms, surrogates (U+D800-U+DFFF) and values above U+10FFFF become U+FFFD
  lenient,  ///< any lead byte with its continuation bytes is taken as it stands (overlong forms,
            ///< encoded surrogates and values up to 0x1FFFFF included), so such text round-trips
};

/// What UTF-16 decoding does with a surrogate that is not part of a
/// high-low pair.
enum class LoneSurrogates {
  replace,  ///< becomes U+FFFD
  keep,     ///< kept as that code point (encoded in UTF-8 as three bytes), so such text round-trips
};

/// Appends the UTF-8 encoding of \p cp (one to four bytes) to \p out. \p cp is
/// encoded as given: surrogates are not rejected; \p cp must be below 0x200000.
void append_utf8(std::string& out, char32_t cp);

/// UTF-8 to UTF-16 (code points above U+FFFF as surrogate pairs). See
/// Utf8Decoding for what malformed input becomes.
std::u16string utf8_to_utf16(std::string_view utf8, Utf8Decoding mode = Utf8Decoding::strict);

/// UTF-8 to code points. See Utf8Decoding for what malformed input becomes.
std::u32string utf8_to_utf32(std::string_view utf8, Utf8Decoding mode = Utf8Decoding::strict);

/// The length (1 to 4) of the well-formed UTF-8 sequence that starts at
/// \p s[\p i], or 0 when the bytes there are not one (by the strict rules:
/// no overlong forms, surrogates or values above U+10FFFF). \p i < s.size().
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

/// The offset of the first byte of \p s that is not part of well-formed
/// UTF-8, or std::string_view::npos when all of it is.
std::size_t find_invalid_utf8(std::string_view s);

/// \p s with every malformed byte replaced by U+FFFD; well-formed text is
/// returned unchanged.
std::string valid_utf8(std::string_view s);

/// UTF-16 to UTF-8: a high surrogate followed by a low one is one code point;
/// see LoneSurrogates for any other surrogate.
std::string utf16_to_utf8(std::u16string_view utf16, LoneSurrogates lone = LoneSurrogates::replace);

}  // namespace milink::sdk::unicode
