#include "state/collation.hpp"

#include <milink/sdk/unicode.hpp>

#include <cctype>

namespace milink::emulator {

namespace unicode = milink::sdk::unicode;

namespace {

// Windows collations carry sort id 0; SQL collations carry their sort order
// id (SQL_Latin1_General_CP1_CI_AS = 52, as real servers announce it).
const CollationInfo kCollations[] = {
    {"SQL_Latin1_General_CP1_CI_AS", 0x0409, 0xD0, 52, true, false},
    {"SQL_Latin1_General_CP1_CS_AS", 0x0409, 0xC0, 51, false, false},
    {"SQL_Latin1_General_CP1_CI_AI", 0x0409, 0xF0, 54, true, true},
    {"Latin1_General_CI_AS", 0x0409, 0xD0, 0, true, false},
    {"Latin1_General_CS_AS", 0x0409, 0xC0, 0, false, false},
    {"Latin1_General_CI_AI", 0x0409, 0xF0, 0, true, true},
};

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

const CollationInfo* find_collation(std::string_view name) {
  for (const auto& c : kCollations)
    if (iequals(c.name, name)) return &c;
  return nullptr;
}

std::vector<std::string> known_collation_names() {
  std::vector<std::string> out;
  for (const auto& c : kCollations) out.emplace_back(c.name);
  return out;
}

// The engine's strings keep whatever a CAST or a client put in them: UTF-8 is
// decoded leniently (overlong forms and encoded surrogates are taken as they
// stand) and unpaired UTF-16 surrogates are kept, so nvarchar <-> varbinary
// round-trips unit for unit. The TDS layer (tds/text_codec) decodes strictly;
// both use milink/sdk/unicode.hpp.

std::u32string utf8_decode(std::string_view s) { return unicode::utf8_to_utf32(s, unicode::Utf8Decoding::lenient); }

void utf8_append(std::string& out, char32_t c) { unicode::append_utf8(out, c); }

std::string utf8_encode(const std::u32string& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8_append(out, c);
  return out;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::uint8_t> utf8_to_utf16le(std::string_view s) {
  std::vector<std::uint8_t> out;
  for (char16_t u : unicode::utf8_to_utf16(s, unicode::Utf8Decoding::lenient)) {
    out.push_back(static_cast<std::uint8_t>(u & 0xFF));
    out.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  return out;
}

std::string utf16le_to_utf8(const std::vector<std::uint8_t>& bytes) {
  std::u16string units(bytes.size() / 2, u'\0');
  for (std::size_t i = 0; i < units.size(); ++i)
    units[i] = static_cast<char16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  return unicode::utf16_to_utf8(units, unicode::LoneSurrogates::keep);
}

char32_t fold_case(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;  // Latin-1
  if (c >= 0x100 && c <= 0x17F) {                             // Latin Extended-A: pairs
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
    if (c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) return (c % 2 == 0) ? c + 1 : c;
    return c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;  // Greek
  if (c >= 0x410 && c <= 0x42F) return c + 32;                // Cyrillic
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

char32_t upper_case(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c < 0x80) return c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c >= 0x100 && c <= 0x17F) {
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 0) ? c - 1 : c;
    if (c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) return (c % 2 == 1) ? c - 1 : c;
    return c;
  }
  if (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

std::string to_upper(std::string_view s) {
  std::u32string u = utf8_decode(s);
  for (auto& c : u) c = upper_case(c);
  return utf8_encode(u);
}

std::string to_lower(std::string_view s) {
  std::u32string u = utf8_decode(s);
  for (auto& c : u) c = fold_case(c);
  return utf8_encode(u);
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

int collate_compare(std::string_view a, std::string_view b, bool ci) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  a = trim(a);
  b = trim(b);
  // Fast path (names and keywords are nearly always ASCII): no decoding.
  auto ascii = [](std::string_view s) {
    for (unsigned char c : s)
      if (c >= 0x80) return false;
    return true;
  };
  if (ascii(a) && ascii(b)) {
    std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
      char32_t x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
      if (ci) {
        x = fold_case(x);
        y = fold_case(y);
      }
      if (x != y) return x < y ? -1 : 1;
    }
    if (a.size() == b.size()) return 0;
    return a.size() < b.size() ? -1 : 1;
  }
  std::u32string ua = utf8_decode(a), ub = utf8_decode(b);
  std::size_t n = std::min(ua.size(), ub.size());
  for (std::size_t i = 0; i < n; ++i) {
    char32_t x = ci ? fold_case(ua[i]) : ua[i];
    char32_t y = ci ? fold_case(ub[i]) : ub[i];
    if (x != y) return x < y ? -1 : 1;
  }
  if (ua.size() == ub.size()) return 0;
  return ua.size() < ub.size() ? -1 : 1;
}

}  // namespace milink::emulator
