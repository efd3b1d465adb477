//===- tests/sqlservice/scripted_engine.hpp - A tiny Engine for the SQL service tests -*- C++ -*-===//
///
/// \file
/// Answers a fixed set of batches (the kScript* constants), so tests go
/// through the real ODBC driver and the emulator's TDS server without
/// depending on its SQL engine:
/// (The TDS layer ends each ResultSet with its own DONE and row count, so
/// RowCount items are only for statements without a result set.)
///   typed result sets with NULLs, a 10 KB varbinary, two result sets in one
///   batch, error 15151, an echo of bound parameters with the types the
///   server received, a row count, PRINT messages, a slow batch, and a batch
///   that cuts the connection (through a TcpProxy) on its first run.
/// Anything else is error 102. Every batch received is recorded.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "engine/engine.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace sqltest {

inline const std::string kUser = "milink";
/// Has ';' and '}' so the connection string must quote it.
inline const std::string kPassword = "Pa55;w0rd}x!";
inline const std::string kServerName = "EMU-SQL";

inline const std::string kScriptTyped = "SELECT * FROM typed_values";
inline const std::string kScriptBlob = "SELECT blob FROM big_blob";
inline const std::string kScriptTwoSets = "SELECT 1 AS one; SELECT N'two' AS word, 2 AS two";
inline const std::string kScriptError = "DROP LOGIN [nobody]";
inline const std::string kScriptSetThenError = "SELECT 1 AS ok; DROP LOGIN [nobody]";
inline const std::string kScriptEchoTag = "/*echo*/";  ///< a batch starting with it echoes its parameters
inline const std::string kScriptUpdate = "UPDATE t SET a = 1 WHERE b = 2";
inline const std::string kScriptMixed = "SELECT 1 AS a; UPDATE t SET a = 2; SELECT 2 AS b";
inline const std::string kScriptPrint = "PRINT 'hello'; SELECT 7 AS seven";
inline const std::string kScriptSlow = "WAITFOR DELAY '00:00:04'; SELECT 1 AS late";
inline const std::string kScriptKill = "SELECT 42 AS answer /*kill once*/";
inline const std::string kScriptUtf8 = "SELECT N'béta ü € 日本' AS t";
inline const std::string kUtf8Text = "béta ü € 日本";

constexpr int kBlobSize = 10 * 1024;
/// The blob's byte i.
inline std::uint8_t blob_byte(std::size_t i) { return static_cast<std::uint8_t>((i * 7 + 3) & 0xFF); }

class ScriptedEngine final : public milink::emulator::Engine {
public:
  milink::emulator::ServerIdentity identity() const override;
  milink::emulator::LoginResult login(const milink::emulator::LoginRequest& request) override;
  milink::emulator::Response execute(milink::emulator::Session& session, const std::string& sql,
                                     const std::vector<milink::emulator::Param>& params) override;
  milink::emulator::Response execute_procedure(milink::emulator::Session& session, const std::string& name,
                                               const std::vector<milink::emulator::Param>& params) override;
  std::optional<std::vector<milink::emulator::Column>> describe(
      milink::emulator::Session& session, const std::string& sql,
      const std::vector<milink::emulator::Param>& params) override;
  milink::emulator::Response transaction(milink::emulator::Session& session,
                                         milink::emulator::TransactionRequest request) override;

  /// Called when kScriptKill runs for the first time (cuts the connection).
  void on_kill(std::function<void()> f) { kill_ = std::move(f); }
  /// Makes kScriptKill cut the connection again on its next run.
  void rearm_kill() { killed_ = false; }

  /// Every batch execute() received, in order.
  std::vector<std::string> batches() const;
  /// How many times \p sql was received.
  int count(const std::string& sql) const;
  /// Parameters of the last echo batch.
  std::vector<milink::emulator::Param> last_echo_params() const;
  int logins() const { return logins_.load(); }

private:
  mutable std::mutex mu_;
  std::vector<std::string> batches_;
  std::vector<milink::emulator::Param> echo_params_;
  std::function<void()> kill_;
  std::atomic<bool> killed_{false};
  std::atomic<int> logins_{0};
};

}  // namespace sqltest
