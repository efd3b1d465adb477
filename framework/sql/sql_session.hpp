//===- sql/sql_session.hpp - SqlSession over POCO Data/ODBC ------*- C++ -*-===//
///
/// \file
/// One connection to one SQL target for one step execution. The connection
/// is a Poco::Data::Session("ODBC", ...) (unixODBC, FreeTDS by default) with
/// the login timeout from the target's settings, autocommit on and POCO's
/// maxFieldSize raised to 16 MiB; statements run through raw ODBC on its
/// handle (odbc_batch.hpp says why).
///
/// Reconnect rule: when a statement fails because the connection broke
/// (SqlError::connection_lost: 08S01, 08001, 08003, "Adaptive Server
/// connection failed", or the driver reports the connection dead), the
/// session reconnects. If the caller marked the statement idempotent, it is
/// run once more on the new connection; otherwise the error is returned with
/// connection_lost set and the statement is not repeated (it may or may not
/// have run). A timed-out statement is never retried (SqlError::timed_out);
/// if the driver gave up the connection after the timeout (FreeTDS does when
/// the server does not acknowledge the cancel in time), connection_lost is
/// set as well. After a broken connection the next execute() reconnects
/// before it sends anything.
///
/// Read-only sessions (dry run) refuse batches read_only.hpp does not allow,
/// before anything is sent.
///
/// Not thread-safe (like POCO sessions): one step execution uses it from one
/// thread at a time.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/connection_string.hpp"
#include "sql/odbc_batch.hpp"
#include "sql/target_settings.hpp"

#include <milink/sdk/sql.hpp>

#include <functional>
#include <memory>
#include <string>

namespace Poco::Data {
class Session;
}

namespace milink::sql {

/// Receives notices about the session (a reconnect), for the step's log.
using SqlNotice = std::function<void(const std::string&)>;

class OdbcSqlSession final : public milink::sdk::SqlSession {
public:
  ~OdbcSqlSession() override;

  /// Connects to \p settings' target. Returns nullptr with \p error (see
  /// describe_connect_failure) when the connection string cannot be built or
  /// the connection fails.
  static std::unique_ptr<OdbcSqlSession> open(const TargetSettings& settings, bool read_only, SqlNotice notice,
                                              std::string& error);

  const std::string& target() const noexcept override { return settings_.target; }
  bool execute(const std::string& sql, const std::vector<milink::sdk::SqlValue>& params, bool idempotent,
               milink::sdk::SqlResult& out, milink::sdk::SqlError& error) noexcept override;

  bool read_only() const noexcept { return read_only_; }
  /// How many times the connection was (re)opened; 1 after open().
  int connects() const noexcept { return connects_; }
  /// The connection string with the password masked.
  const std::string& redacted_connection_string() const noexcept { return connection_.redacted; }
  /// Closes the connection; the next execute() reconnects.
  void disconnect() noexcept;

private:
  OdbcSqlSession(TargetSettings settings, ConnectionString cs, bool read_only, SqlNotice notice);
  /// (Re)connects; on failure fills \p error (scrubbed, with a remedy).
  bool connect(milink::sdk::SqlError& error);
  std::string scrub(std::string text) const;

  TargetSettings settings_;
  ConnectionString connection_;
  bool read_only_;
  SqlNotice notice_;
  BatchOptions options_;
  std::unique_ptr<Poco::Data::Session> session_;
  bool broken_ = false;
  int connects_ = 0;
};

}  // namespace milink::sql
