#include "tds/prelogin.hpp"

#include "tds/protocol_error.hpp"

#include <vector>

namespace milink::emulator::tds {

namespace {
constexpr std::uint8_t kVersion = 0, kEncryption = 1, kInstOpt = 2, kThreadId = 3, kMars = 4, kTerminator = 0xFF;
}

PreloginRequest parse_prelogin(const Bytes& payload) {
  PreloginRequest req;
  ByteReader table(payload);
  bool saw_version = false;
  for (int i = 0;; ++i) {
    if (i > 32) throw ProtocolError("PRELOGIN option table has no terminator");
    std::uint8_t token = table.u8();
    if (token == kTerminator) break;
    std::uint16_t offset = table.u16be();
    std::uint16_t length = table.u16be();
    if (std::size_t(offset) + length > payload.size())
      throw ProtocolError("PRELOGIN option " + std::to_string(token) + " points outside the packet");
    ByteReader v(payload.data() + offset, length);
    switch (token) {
      case kVersion:
        if (length < 6) throw ProtocolError("PRELOGIN VERSION shorter than 6 bytes");
        req.version = v.u32be();
        req.sub_build = v.u16be();
        saw_version = true;
        break;
      case kEncryption:
        if (length < 1) throw ProtocolError("PRELOGIN ENCRYPTION is empty");
        req.has_encryption = true;
        req.encryption = v.u8();
        if (req.encryption > encrypt::kReq && req.encryption != 0x80 && req.encryption != 0x81 &&
            req.encryption != 0x83)
          throw ProtocolError("PRELOGIN ENCRYPTION byte " + std::to_string(req.encryption) + " is unknown");
        req.encryption &= 0x0F;  // ENCRYPT_CLIENT_CERT (0x80) is not supported; keep the base value
        break;
      case kInstOpt: {
        std::string s(reinterpret_cast<const char*>(payload.data() + offset), length);
        if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
        req.instance = s;
        break;
      }
      case kThreadId:
        if (length >= 4) req.thread_id = v.u32le();
        break;
      case kMars:
        if (length >= 1) req.mars = v.u8() != 0;
        break;
      default:
        break;  // TRACEID, FEDAUTHREQUIRED, NONCEOPT: accepted and ignored
    }
  }
  if (!saw_version) throw ProtocolError("PRELOGIN without VERSION");
  return req;
}

EncryptionDecision negotiate_encryption(Encryption server, std::uint8_t client) {
  const bool client_not_sup = client == encrypt::kNotSup;
  const bool client_wants = client == encrypt::kOn || client == encrypt::kReq;
  switch (server) {
    case Encryption::NotSupported:
      return {encrypt::kNotSup, TlsUse::None};
    case Encryption::Off:
      if (client_not_sup) return {encrypt::kNotSup, TlsUse::None};
      if (client_wants) return {encrypt::kOn, TlsUse::Full};
      return {encrypt::kOff, TlsUse::LoginOnly};
    case Encryption::On:
      if (client_not_sup) return {encrypt::kReq, TlsUse::Refuse};
      return {encrypt::kOn, TlsUse::Full};
    case Encryption::Required:
      if (client_not_sup) return {encrypt::kReq, TlsUse::Refuse};
      return {encrypt::kReq, TlsUse::Full};
  }
  return {encrypt::kNotSup, TlsUse::None};
}

Bytes build_prelogin_reply(const ServerIdentity& identity, std::uint8_t encryption) {
  struct Option {
    std::uint8_t token;
    Bytes data;
  };
  std::vector<Option> options;
  ByteWriter version;
  version.u8(identity.major);
  version.u8(identity.minor);
  version.u16be(identity.build);
  version.u16be(0);
  options.push_back({kVersion, version.buffer()});
  options.push_back({kEncryption, Bytes{encryption}});
  options.push_back({kInstOpt, Bytes{0}});
  options.push_back({kThreadId, Bytes{}});
  options.push_back({kMars, Bytes{0}});  // MARS is not supported

  ByteWriter w;
  std::size_t offset = options.size() * 5 + 1;
  for (const auto& o : options) {
    w.u8(o.token);
    w.u16be(static_cast<std::uint16_t>(offset));
    w.u16be(static_cast<std::uint16_t>(o.data.size()));
    offset += o.data.size();
  }
  w.u8(kTerminator);
  for (const auto& o : options) w.bytes(o.data);
  return w.buffer();
}

}  // namespace milink::emulator::tds
