//===- tests/tds/scripted_engine.hpp - A canned Engine for TDS tests -*- C++ -*-===//
///
/// \file
/// Not a SQL parser: answers a fixed set of batches (exact text after
/// trimming) so the TDS layer can be tested through real clients.
///   "SELECT types"             one row per value kind, NULLs, 10 KB varbinary(max)
///   "SELECT 2 sets"            two result sets
///   "FAIL"                     error 15151
///   "sp_datatype_info_100 0,3" datatype_info_result()
///   "SELECT echo ..."          one row echoing the bound parameters (columns named after them)
///   "SELECT <n>"               one int column: n
///   "SELECT spid"              the session's spid
///   "INSERT rows"              3 rows affected
///   "SELECT big"               2000 rows (for ATTENTION / partial reads)
///   "THROW"                    throws std::runtime_error
/// Anything else: error 102. It records every call.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace tdstest {

using namespace milink::emulator;

struct RecordedCall {
  std::string kind;  ///< "execute", "procedure", "describe"
  std::string text;  ///< SQL or procedure name
  std::vector<Param> params;
  int spid = 0;
};

class ScriptedEngine : public Engine {
public:
  static constexpr const char* kPassword = "Pa55w0rd!";
  static constexpr const char* kServerName = "TDSTEST";

  ServerIdentity identity() const override;
  LoginResult login(const LoginRequest& request) override;
  Response execute(Session& session, const std::string& sql, const std::vector<Param>& params) override;
  Response execute_procedure(Session& session, const std::string& name, const std::vector<Param>& params) override;
  std::optional<std::vector<Column>> describe(Session& session, const std::string& sql,
                                              const std::vector<Param>& params) override;
  Response transaction(Session& session, TransactionRequest request) override;
  void disconnect(Session& session) override;

  std::vector<RecordedCall> calls() const;
  /// The last "execute" call whose SQL starts with \p prefix.
  RecordedCall last_execute(const std::string& prefix) const;

  std::atomic<int> logins{0}, failed_logins{0}, executes{0}, procedures{0}, describes{0}, disconnects{0};
  std::atomic<int> begins{0}, commits{0}, rollbacks{0};
  std::string last_login_user, last_login_password, last_login_database, last_login_app;

private:
  void record(RecordedCall c);
  mutable std::mutex mu_;
  std::vector<RecordedCall> calls_;
};

/// The "SELECT types" result.
ResultSet types_result();
/// The 10 KB varbinary value in it.
std::vector<std::uint8_t> big_blob();

}  // namespace tdstest
