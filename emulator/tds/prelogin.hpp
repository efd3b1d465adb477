//===- emulator/tds/prelogin.hpp - PRELOGIN and encryption negotiation -*- C++ -*-===//
///
/// \file
/// Parses the client's PRELOGIN option table, decides the encryption from
/// the server's setting and the client's ENCRYPTION byte (tds-findings §5),
/// and builds the reply (VERSION, ENCRYPTION, INSTOPT, THREADID, MARS=0).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "tds/byte_io.hpp"
#include "tds/tds_server.hpp"

#include <cstdint>
#include <string>

namespace milink::emulator::tds {

namespace encrypt {
constexpr std::uint8_t kOff = 0x00;     ///< ENCRYPT_OFF
constexpr std::uint8_t kOn = 0x01;      ///< ENCRYPT_ON
constexpr std::uint8_t kNotSup = 0x02;  ///< ENCRYPT_NOT_SUP
constexpr std::uint8_t kReq = 0x03;     ///< ENCRYPT_REQ
}  // namespace encrypt

struct PreloginRequest {
  std::uint32_t version = 0;  ///< client VERSION (big-endian u32 as sent)
  std::uint16_t sub_build = 0;
  bool has_encryption = false;
  std::uint8_t encryption = encrypt::kNotSup;  ///< kNotSup when the option is absent
  std::string instance;
  std::uint32_t thread_id = 0;
  bool mars = false;
};

/// Throws ProtocolError for an option table that points outside the payload,
/// lacks its terminator, or is not PRELOGIN at all (garbage).
PreloginRequest parse_prelogin(const Bytes& payload);

/// What to do with TLS after the PRELOGIN reply.
enum class TlsUse {
  None,       ///< plain text throughout
  LoginOnly,  ///< TLS for the LOGIN7 packet, then plain text (server Off, client OFF)
  Full,       ///< everything encrypted
  Refuse,     ///< reply, then close: the client will not encrypt but the server requires it
};

struct EncryptionDecision {
  std::uint8_t reply = encrypt::kNotSup;  ///< ENCRYPTION byte of the reply
  TlsUse use = TlsUse::None;
};

/// The negotiation table (server setting x client byte):
///
///   server \ client | OFF (0)         | ON (1)       | NOT_SUP (2)       | REQ (3)
///   NotSupported    | NOT_SUP, plain  | NOT_SUP (*)  | NOT_SUP, plain    | NOT_SUP (*)
///   Off             | OFF, login only | ON, full     | NOT_SUP, plain    | ON, full
///   On              | ON, full        | ON, full     | REQ, refuse       | ON, full
///   Required        | REQ, full       | REQ, full    | REQ, refuse       | REQ, full
///
/// (*) plain; a client that requires encryption gives up by itself.
EncryptionDecision negotiate_encryption(Encryption server, std::uint8_t client);

/// The PRELOGIN reply payload.
Bytes build_prelogin_reply(const ServerIdentity& identity, std::uint8_t encryption);

}  // namespace milink::emulator::tds
