//===- milink/sdk/base64.hpp - Base64 and base64url ---------------*- C++ -*-===//
///
/// \file
/// The one base64 codec of milink, its plugins and the emulator (JWTs,
/// certificates in PEM and x5c, publicBlob values), built on POCO's
/// Base64Encoder/Decoder. What POCO leaves loose, this makes strict: decoding
/// refuses whitespace, characters of the other alphabet, misplaced padding
/// and a length no encoder produces, so a malformed token or blob is an error
/// rather than a silently shorter value.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace milink::sdk::base64 {

enum class Alphabet {
  standard,  ///< RFC 4648 §4 ('+', '/'), padded with '='
  url,       ///< RFC 4648 §5 ('-', '_'), unpadded (as JWTs write it)
};

/// Encodes \p bytes (any octets) on one line, without line breaks.
/// Thread-safe; never throws except std::bad_alloc.
std::string encode(std::string_view bytes, Alphabet alphabet = Alphabet::standard);

/// Decodes \p text written in \p alphabet; the padding is optional in both
/// alphabets. nullopt when \p text has a character outside the alphabet
/// (whitespace included), padding anywhere but at the end, or a length that
/// no encoding produces. Thread-safe; never throws except std::bad_alloc.
std::optional<std::string> decode(std::string_view text, Alphabet alphabet = Alphabet::standard);

}  // namespace milink::sdk::base64
