#include "tds/login7.hpp"

#include "tds/protocol_error.hpp"
#include "tds/text_codec.hpp"

#include <vector>

namespace milink::emulator::tds {

namespace {
constexpr std::size_t kFixedPart71 = 86;  // up to cbAtchDBFile
constexpr std::size_t kMaxNameChars = 128;
}  // namespace

std::string decode_password(const std::uint8_t* data, std::size_t bytes) {
  std::vector<std::uint8_t> clear(data, data + bytes);
  for (auto& b : clear) {
    b ^= 0xA5;
    b = static_cast<std::uint8_t>((b << 4) | (b >> 4));
  }
  return utf16le_to_utf8(clear.data(), clear.size());
}

Login7 parse_login7(const Bytes& payload) {
  if (payload.size() < kFixedPart71)
    throw ProtocolError("LOGIN7 of " + std::to_string(payload.size()) + " bytes is shorter than its fixed part");
  ByteReader r(payload);
  Login7 l;
  std::uint32_t length = r.u32le();
  if (length < kFixedPart71 || length > payload.size())
    throw ProtocolError("LOGIN7 Length " + std::to_string(length) + " does not match the message of " +
                        std::to_string(payload.size()) + " bytes");
  l.tds_version = r.u32le();
  l.packet_size = r.u32le();
  l.client_prog_version = r.u32le();
  l.client_pid = r.u32le();
  r.u32le();  // ConnectionID
  l.option_flags1 = r.u8();
  l.option_flags2 = r.u8();
  l.type_flags = r.u8();
  l.option_flags3 = r.u8();
  l.client_time_zone = r.i32le();
  l.client_lcid = r.u32le();
  l.integrated_security = (l.option_flags2 & 0x80) != 0;

  // Offsets are from the start of the record; each names chars (UCS-2).
  auto field = [&](const char* what, std::size_t max_chars, bool is_password = false) {
    std::uint16_t ib = r.u16le();
    std::uint16_t cch = r.u16le();
    if (cch == 0) return std::string();
    if (cch > max_chars)
      throw ProtocolError(std::string("LOGIN7 ") + what + " of " + std::to_string(cch) + " characters is too long");
    if (ib < kFixedPart71 || std::size_t(ib) + std::size_t(cch) * 2 > length)
      throw ProtocolError(std::string("LOGIN7 ") + what + " offset " + std::to_string(ib) + "+" +
                          std::to_string(cch * 2) + " lies outside the record of " + std::to_string(length) +
                          " bytes");
    const std::uint8_t* p = payload.data() + ib;
    return is_password ? decode_password(p, std::size_t(cch) * 2) : utf16le_to_utf8(p, std::size_t(cch) * 2);
  };
  l.hostname = field("HostName", kMaxNameChars);
  l.user = field("UserName", kMaxNameChars);
  l.password = field("Password", kMaxNameChars, true);
  l.app_name = field("AppName", kMaxNameChars);
  l.server_name = field("ServerName", kMaxNameChars);
  {
    // ibExtension/cbExtension (7.4: points to the FeatureExt offset) or unused.
    std::uint16_t ib = r.u16le();
    std::uint16_t cb = r.u16le();
    if (cb != 0 && std::size_t(ib) + cb > length) throw ProtocolError("LOGIN7 extension lies outside the record");
  }
  l.library = field("CltIntName", kMaxNameChars);
  l.language = field("Language", kMaxNameChars);
  l.database = field("Database", kMaxNameChars);
  r.skip(6);  // ClientID (MAC address)
  {
    std::uint16_t ib = r.u16le();
    std::uint16_t cb = r.u16le();
    if (cb != 0 && std::size_t(ib) + cb > length) throw ProtocolError("LOGIN7 SSPI lies outside the record");
  }
  field("AtchDBFile", 260);
  if (l.tds_version >= 0x72000000) {  // 7.2+: ibChangePassword, cchChangePassword, cbSSPILong
    field("ChangePassword", kMaxNameChars);
    r.u32le();  // cbSSPILong
  }
  return l;
}

std::uint32_t negotiate_tds_version(std::uint32_t client) {
  if (client >= kTds74) return kTds74;
  if (client >= 0x730A0003) return client;  // 7.3A or 7.3B, as asked
  if (client >= kTds72) return kTds72;
  return kTds71;
}

}  // namespace milink::emulator::tds
