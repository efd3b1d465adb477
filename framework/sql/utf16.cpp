#include "sql/utf16.hpp"

#include <milink/sdk/unicode.hpp>

// Thin wrappers over milink/sdk/unicode.hpp (strict UTF-8 decoding, lone
// surrogates replaced): the ODBC code keeps its std::string / char16_t* API.

namespace milink::sql {

namespace unicode = milink::sdk::unicode;

std::u16string utf8_to_utf16(const std::string& utf8) { return unicode::utf8_to_utf16(utf8); }

std::string utf16_to_utf8(const char16_t* data, std::size_t length) {
  return unicode::utf16_to_utf8(std::u16string_view(data, length));
}

std::string utf16_to_utf8(const std::u16string& utf16) { return utf16_to_utf8(utf16.data(), utf16.size()); }

}  // namespace milink::sql
