//===- emulator/tds/token_writer.hpp - Response tokens ----------*- C++ -*-===//
///
/// \file
/// Builds the token stream of one reply: LOGINACK, ENVCHANGE, ERROR/INFO,
/// COLMETADATA/ROW/NBCROW, DONE/DONEPROC/DONEINPROC, RETURNSTATUS and
/// RETURNVALUE, and Engine Response items turned into those. finish() then
/// applies the rule FreeTDS depends on (tds-findings §0.4): DONE_MORE on
/// every DONE-family token except the last.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"
#include "tds/byte_io.hpp"
#include "tds/text_codec.hpp"
#include "tds/type_codec.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace milink::emulator::tds {

namespace token {
constexpr std::uint8_t kColMetadata = 0x81, kRow = 0xD1, kNbcRow = 0xD2, kReturnStatus = 0x79,
                       kReturnValue = 0xAC, kError = 0xAA, kInfo = 0xAB, kLoginAck = 0xAD, kEnvChange = 0xE3,
                       kDone = 0xFD, kDoneProc = 0xFE, kDoneInProc = 0xFF;
}

namespace done_status {
constexpr std::uint16_t kFinal = 0x00, kMore = 0x01, kError = 0x02, kInXact = 0x04, kCount = 0x10, kAttn = 0x20,
                        kSrvError = 0x100;
}

namespace envchange {
constexpr std::uint8_t kDatabase = 1, kLanguage = 2, kPacketSize = 4, kCollation = 7, kBeginTran = 8,
                       kCommitTran = 9, kRollbackTran = 10, kResetAck = 18;
}

class TokenWriter {
public:
  TokenWriter(const ServerIdentity& identity, std::uint32_t tds_version);

  void loginack(std::uint32_t tds_version);
  void envchange(std::uint8_t type, const std::string& new_value, const std::string& old_value);
  void envchange_bytes(std::uint8_t type, const Bytes& new_value, const Bytes& old_value);
  void collation_change();
  void message(const Message& m);
  void colmetadata(const std::vector<ColumnFormat>& columns);
  void row(const std::vector<ColumnFormat>& columns, const std::vector<SqlValue>& values);
  /// COLMETADATA + rows, then (unless \p with_done is false: the statement's
  /// DONE follows from the caller) DONE[INPROC](COUNT, SELECT, n).
  void result_set(const ResultSet& rs, bool in_proc, bool with_done = true);
  void done(std::uint8_t token, std::uint16_t status, std::uint16_t command, std::uint64_t rows);
  void return_status(std::int32_t value);
  void return_value(std::uint16_t ordinal, const std::string& name, const SqlValue& value, SqlType hint,
                    bool prefer_max);

  /// Every item of \p response in order (ReturnStatus/ReturnValue excepted
  /// when \p in_proc: the caller writes those after the results).
  void response_items(const Response& response, Session& session, bool in_proc);

  /// True when the last token written is of the DONE family.
  bool ends_with_done() const noexcept { return last_was_done_; }
  /// An error was written and no DONE has followed it yet.
  bool error_pending() const noexcept { return error_pending_; }

  /// The reply: DONE_MORE set on every DONE-family token but the last, and
  /// DONE_ERROR added to the last when \p failed.
  Bytes finish(bool failed);
  /// Offsets where tokens start (to cut a reply short at a token boundary).
  const std::vector<std::size_t>& token_starts() const noexcept { return starts_; }

private:
  void begin_token(std::uint8_t t);
  ServerIdentity identity_;
  Collation collation_;
  std::uint32_t tds_version_;
  ByteWriter w_;
  std::vector<std::size_t> starts_;
  std::vector<std::size_t> done_status_at_;
  bool last_was_done_ = false;
  bool error_pending_ = false;
};

/// The bytes of a lone DONE token (used for the attention acknowledgement).
Bytes done_token(std::uint16_t status, std::uint32_t tds_version);

}  // namespace milink::emulator::tds
