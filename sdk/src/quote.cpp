#include <milink/sdk/quote.hpp>

#include <stdexcept>

namespace milink::sdk::tsql {

namespace {
std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}
}  // namespace

std::string quote_identifier(std::string_view name) {
  if (name.empty()) throw std::invalid_argument("an identifier cannot be empty");
  if (utf8_length(name) > 128)
    throw std::invalid_argument("identifier '" + std::string(name) + "' is longer than 128 characters");
  std::string out = "[";
  for (char c : name) {
    out += c;
    if (c == ']') out += ']';
  }
  out += ']';
  return out;
}

std::string quote_literal(std::string_view text) {
  std::string out = "N'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

}  // namespace milink::sdk::tsql
