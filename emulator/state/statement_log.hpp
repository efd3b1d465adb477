//===- emulator/state/statement_log.hpp - What each server ran ---*- C++ -*-===//
///
/// \file
/// Every statement an emulated server executed, in order: who (spid,
/// login), where (database), what (the statement text with secrets masked)
/// and how it ended (ok, or the first error number). A batch that fails to
/// parse is one entry with the whole batch text. Statements run by
/// sp_executesql appear after the EXEC that ran them, with depth 1 (2, ...).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>
#include <milink/sdk/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace milink::emulator {

struct StatementLogEntry {
  std::uint64_t sequence = 0;
  int spid = 0;
  std::string login;
  std::string database;
  std::string text;  ///< secrets replaced by '******'
  bool ok = true;
  int error_number = 0;  ///< first error (severity > 10), 0 when ok
  int depth = 0;         ///< 0 top level; 1 inside sp_executesql, ...
  milink::sdk::SqlDateTime time;
};

class StatementLog {
public:
  /// Appends \p entry and returns its sequence number.
  std::uint64_t add(StatementLogEntry entry);
  /// Records how the statement \p sequence ended.
  void set_result(std::uint64_t sequence, bool ok, int error_number);
  const std::vector<StatementLogEntry>& entries() const { return entries_; }
  void clear() { entries_.clear(); }
  milink::sdk::Value to_json() const;

private:
  std::vector<StatementLogEntry> entries_;
  std::uint64_t next_ = 1;
};

/// Replaces the secret in every `PASSWORD = '...'` (CREATE MASTER KEY,
/// OPEN MASTER KEY, CREATE/ALTER LOGIN, certificate private keys, ...)
/// with '******', also inside string literals that hold T-SQL (dynamic SQL
/// passed to sp_executesql / EXEC), at any nesting depth. Works on text
/// that does not parse (an unterminated secret is masked to the end).
std::string mask_secrets(std::string_view sql);

}  // namespace milink::emulator
