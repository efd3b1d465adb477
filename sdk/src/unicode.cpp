#include <milink/sdk/unicode.hpp>

#include <cstddef>

namespace milink::sdk::unicode {

namespace {

bool is_surrogate(char32_t u) { return u >= 0xD800 && u <= 0xDFFF; }

/// The code point starting at s[i]; advances \p i past it, or by one byte when
/// the sequence is malformed (which yields U+FFFD).
char32_t next_utf8(std::string_view s, std::size_t& i, Utf8Decoding mode) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  char32_t cp;
  std::size_t extra;
  if (c < 0x80) {
    ++i;
    return c;
  } else if ((c & 0xE0) == 0xC0) {
    cp = c & 0x1F;
    extra = 1;
  } else if ((c & 0xF0) == 0xE0) {
    cp = c & 0x0F;
    extra = 2;
  } else if ((c & 0xF8) == 0xF0) {
    cp = c & 0x07;
    extra = 3;
  } else {
    ++i;
    return replacement_character;
  }
  if (i + extra >= s.size()) {
    ++i;
    return replacement_character;
  }
  for (std::size_t k = 1; k <= extra; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return replacement_character;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (mode == Utf8Decoding::strict) {
    static constexpr char32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};  // shortest form per length
    if (cp < kMinimum[extra] || cp > 0x10FFFF || is_surrogate(cp)) {
      ++i;
      return replacement_character;
    }
  }
  i += extra + 1;
  return cp;
}

void append_utf16(std::u16string& out, char32_t cp) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    out += static_cast<char16_t>(0xD800 + (cp >> 10));
    out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
  } else {
    out += static_cast<char16_t>(cp);
  }
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  std::size_t j = i;
  const char32_t cp = next_utf8(s, j, Utf8Decoding::strict);
  if (cp == replacement_character && s.substr(i, 3) != "\xEF\xBF\xBD") return 0;
  return j - i;
}

std::size_t find_invalid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string valid_utf8(std::string_view s) {
  std::size_t bad = find_invalid_utf8(s);
  if (bad == std::string_view::npos) return std::string(s);
  std::string out(s.substr(0, bad));
  for (std::size_t i = bad; i < s.size();) {
    const std::size_t n = static_cast<unsigned char>(s[i]) < 0x80 ? 1 : utf8_sequence_length(s, i);
    if (n == 0) {
      append_utf8(out, replacement_character);
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::u16string utf8_to_utf16(std::string_view utf8, Utf8Decoding mode) {
  std::u16string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) append_utf16(out, next_utf8(utf8, i, mode));
  return out;
}

std::u32string utf8_to_utf32(std::string_view utf8, Utf8Decoding mode) {
  std::u32string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) out += next_utf8(utf8, i, mode);
  return out;
}

std::string utf16_to_utf8(std::u16string_view utf16, LoneSurrogates lone) {
  std::string out;
  out.reserve(utf16.size());
  const std::size_t n = utf16.size();
  for (std::size_t i = 0; i < n; ++i) {
    char32_t u = utf16[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n && utf16[i + 1] >= 0xDC00 && utf16[i + 1] <= 0xDFFF) {
      u = 0x10000 + ((u - 0xD800) << 10) + (utf16[i + 1] - 0xDC00);
      ++i;
    } else if (is_surrogate(u) && lone == LoneSurrogates::replace) {
      u = replacement_character;
    }
    append_utf8(out, u);
  }
  return out;
}

}  // namespace milink::sdk::unicode
