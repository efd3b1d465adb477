//===- emulator/tds/login7.hpp - LOGIN7 decoding ----------------*- C++ -*-===//
///
/// \file
/// Parses a LOGIN7 record: the fixed header, the offset/length table (every
/// pair checked against the record), UCS-2 strings and the obfuscated
/// password. FeatureExt is ignored.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "tds/byte_io.hpp"

#include <cstdint>
#include <string>

namespace milink::emulator::tds {

struct Login7 {
  std::uint32_t tds_version = 0;  ///< as sent (little-endian u32): 0x74000004 for 7.4
  std::uint32_t packet_size = 0;
  std::uint32_t client_prog_version = 0;
  std::uint32_t client_pid = 0;
  std::uint8_t option_flags1 = 0, option_flags2 = 0, type_flags = 0, option_flags3 = 0;
  std::int32_t client_time_zone = 0;
  std::uint32_t client_lcid = 0;
  std::string hostname, user, password, app_name, server_name, library, language, database;
  bool integrated_security = false;  ///< fIntSecurity (SSPI), which the emulator does not support
};

/// Throws ProtocolError for a record shorter than its fixed part, a Length
/// field larger than the message, or any offset/length outside the record.
Login7 parse_login7(const Bytes& payload);

/// Reverses the LOGIN7 password obfuscation (xor 0xA5, then swap nibbles).
std::string decode_password(const std::uint8_t* data, std::size_t bytes);

/// TDS versions as they appear in LOGIN7 (little-endian u32).
constexpr std::uint32_t kTds71 = 0x71000001;
constexpr std::uint32_t kTds72 = 0x72090002;
constexpr std::uint32_t kTds73 = 0x730B0003;
constexpr std::uint32_t kTds74 = 0x74000004;

/// The version the server answers in LOGINACK: min(client, 7.4), and at
/// least 7.1 (the oldest version the emulator speaks).
std::uint32_t negotiate_tds_version(std::uint32_t client);

}  // namespace milink::emulator::tds
