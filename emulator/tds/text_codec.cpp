#include "tds/text_codec.hpp"

#include <milink/sdk/unicode.hpp>

#include <cerrno>
#include <iconv.h>

namespace milink::emulator::tds {

namespace unicode = milink::sdk::unicode;

// Strict UTF-8 decoding, unpaired surrogates replaced (what a client must be
// able to send and read back), over milink/sdk/unicode.hpp.

std::string utf16le_to_utf8(const std::uint8_t* data, std::size_t bytes) {
  std::u16string units(bytes / 2, u'\0');
  for (std::size_t i = 0; i < units.size(); ++i)
    units[i] = static_cast<char16_t>(data[2 * i] | (data[2 * i + 1] << 8));
  return unicode::utf16_to_utf8(units);
}

std::vector<std::uint8_t> utf8_to_utf16le(const std::string& s) {
  std::vector<std::uint8_t> out;
  out.reserve(s.size() * 2);
  for (char16_t u : unicode::utf8_to_utf16(s)) {
    out.push_back(static_cast<std::uint8_t>(u));
    out.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  return out;
}

Collation Collation::from_identity(const ServerIdentity& id) {
  Collation c;
  std::uint32_t lcid = id.lcid & 0xFFFFF;
  c.bytes[0] = static_cast<std::uint8_t>(lcid);
  c.bytes[1] = static_cast<std::uint8_t>(lcid >> 8);
  // ServerIdentity::collation_flags is the byte after the LCID's low 16 bits
  // as it appears on the wire (0xD0 for _CI_AS): its high nibble holds
  // IgnoreCase/IgnoreKana/IgnoreWidth, the low nibble the LCID's top bits
  // (taken from lcid instead). Its low nibble, when set, is the next byte's
  // fBinary/fBinary2/fUTF8 bits.
  c.bytes[2] = static_cast<std::uint8_t>(((lcid >> 16) & 0x0F) | (id.collation_flags & 0xF0));
  c.bytes[3] = static_cast<std::uint8_t>(id.collation_flags & 0x0F);
  c.bytes[4] = id.sort_id;
  return c;
}

int Collation::code_page() const noexcept {
  if (utf8()) return 65001;
  std::uint8_t sid = sort_id();
  if (sid != 0) {
    // SQL collations (sort ids): the ranges SQL Server documents per code page.
    if (sid >= 30 && sid <= 34) return 437;
    if (sid >= 40 && sid <= 49) return 850;
    if (sid >= 50 && sid <= 61) return 1252;
    if (sid >= 80 && sid <= 96) return 1250;
    if (sid >= 104 && sid <= 108) return 1251;
    if (sid >= 112 && sid <= 124) return 1253;
    if (sid >= 128 && sid <= 130) return 1254;
    if (sid >= 136 && sid <= 138) return 1255;
    if (sid >= 144 && sid <= 146) return 1256;
    if (sid >= 152 && sid <= 160) return 1257;
    return 1252;
  }
  std::uint32_t id = lcid();
  switch (id & 0x3FF) {  // primary language
    case 0x05: case 0x0E: case 0x15: case 0x18: case 0x1A: case 0x1B: case 0x1C: case 0x24:
      return 1250;
    case 0x02: case 0x19: case 0x22: case 0x23: case 0x2F: case 0x3F: case 0x44: case 0x50:
      return 1251;
    case 0x08: return 1253;
    case 0x1F: case 0x2C: case 0x43: return 1254;
    case 0x0D: return 1255;
    case 0x01: case 0x20: case 0x29: return 1256;
    case 0x25: case 0x26: case 0x27: return 1257;
    case 0x2A: return 1258;
    case 0x1E: return 874;
    case 0x11: return 932;
    case 0x12: return 949;
    case 0x04: return (id == 0x0804 || id == 0x1004) ? 936 : 950;
    default: return 1252;
  }
}

std::string decode_code_page(const std::uint8_t* data, std::size_t bytes, int code_page) {
  std::string out;
  if (code_page == 65001) {
    // Already UTF-8: validate by a round trip through UTF-16.
    std::string raw(reinterpret_cast<const char*>(data), bytes);
    auto u = utf8_to_utf16le(raw);
    return utf16le_to_utf8(u.data(), u.size());
  }
  bool ascii = true;
  for (std::size_t i = 0; i < bytes && ascii; ++i) ascii = data[i] < 0x80;
  if (ascii) return std::string(reinterpret_cast<const char*>(data), bytes);

  std::string from = "CP" + std::to_string(code_page);
  iconv_t cd = ::iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    for (std::size_t i = 0; i < bytes; ++i) unicode::append_utf8(out, data[i]);  // Latin-1 as a last resort
    return out;
  }
  out.resize(bytes * 4 + 16);
  char* in = const_cast<char*>(reinterpret_cast<const char*>(data));
  std::size_t in_left = bytes;
  std::size_t done = 0;
  while (in_left > 0) {
    char* o = &out[done];
    std::size_t o_left = out.size() - done;
    std::size_t r = ::iconv(cd, &in, &in_left, &o, &o_left);
    done = out.size() - o_left;
    if (r == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) {
        out.resize(out.size() * 2);
        continue;
      }
      // EILSEQ / EINVAL: skip one byte, emit U+FFFD.
      std::string rep;
      unicode::append_utf8(rep, unicode::replacement_character);
      if (out.size() - done < rep.size()) out.resize(out.size() + 16);
      out.replace(done, rep.size(), rep);
      done += rep.size();
      ++in;
      --in_left;
    }
  }
  ::iconv_close(cd);
  out.resize(done);
  return out;
}

}  // namespace milink::emulator::tds
