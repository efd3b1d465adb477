//===- sql/sql_session.hpp - SqlSession over POCO Data/ODBC ------*- C++ -*-===//
///
/// \file
/// One connection to one SQL target for one step execution. The connection
/// is a Poco::Data::Session("ODBC", ...) (unixODBC, FreeTDS by default) with
/// the login timeout from the target's settings, autocommit on and POCO's
/// maxFieldSize raised to 16 MiB; statements run through raw ODBC on its
/// handle (odbc_batch.hpp says why).
///
/// Retry rule (milink's one policy, retry/policy.hpp, with
/// sql_retry_policy()'s bounds, sql_reconnect_policy()'s when the first
/// failure was a lost connection): a statement the caller marked idempotent
/// (every query; guarded batches) that fails with a transient error
/// (is_transient: 1205, 40613-style unavailability, a broken connection) is
/// run again after a backoff, on a new connection when the old
/// one broke (SqlError::connection_lost: 08S01, 08001, 08003, "Adaptive
/// Server connection failed", or the driver reports the connection dead);
/// each retry is a notice ("sqlserver: deadlock victim (1205), a transient
/// error; retrying in 150 ms (attempt 2 of 6)"), and an error that outlasts
/// the retries ends with "(TARGET unavailable: retried N times over D)".
/// Other statements are never repeated: the error is returned (with
/// connection_lost set when the connection broke; it may or may not have
/// run). After a broken connection the next execute() reconnects before it
/// sends anything. A statement that timed out is not repeated (it ran too
/// long). open(), and every reconnect, retries a connection that the
/// server closes during login (it accepts TCP connections: a reset, a
/// restart), that times out or is answered with a transient error the same
/// way, with a budget of its own (a reconnect's failures do not spend the
/// statement's attempts; at most 10 connection attempts per statement
/// attempt, and a minute of waiting per retry loop); a refused connection, a TLS failure or a login failure is
/// returned at once.
///
/// Read-only sessions (dry run) refuse batches read_only.hpp does not allow,
/// before anything is sent.
///
/// Reuse (sql_service.hpp pools sessions across step executions): after
/// every (re)connect the session reads the state it starts in (session_state_query():
/// database, @@OPTIONS, security context, lock timeout, ...). reset_for_reuse()
/// rolls back an open transaction, returns to that database and reads the
/// state again; the session may be reused only when it matches.
///
/// Not thread-safe (like POCO sessions): one step execution uses it from one
/// thread at a time.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/connection_string.hpp"
#include "sql/odbc_batch.hpp"
#include "sql/session_reset.hpp"
#include "sql/target_settings.hpp"
#include "retry/policy.hpp"

#include <milink/sdk/sql.hpp>

#include <functional>
#include <memory>
#include <string>

namespace Poco::Data {
class Session;
}

namespace milink::sql {

/// Receives notices about the session (a retry, a reconnect), for the step's log.
using SqlNotice = std::function<void(const std::string&)>;

/// The bounds of SQL retries: 6 attempts, backoff from 200 ms to 5 s, at
/// most a minute of waiting per statement.
milink::retry::Policy sql_retry_policy();
/// The bounds of retries after a lost connection (a reset, a server
/// restarting or failing over) and of connecting: 10 attempts, otherwise
/// as sql_retry_policy(). Each such failure is immediate, so 6 attempts
/// would be spent within seconds.
milink::retry::Policy sql_reconnect_policy();


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

  /// Where notices go from now on (the step execution using the session;
  /// empty: nowhere).
  void set_notice(SqlNotice notice) { notice_ = std::move(notice); }
  /// Makes the session as it was after login, for the next step execution:
  /// rolls back an open transaction, returns to the database it logged in
  /// to, then checks that the session state matches the state read after
  /// login. False when the session must not be reused: its connection
  /// broke, the state after login was not read, the reset failed, or state
  /// remains that the reset cannot undo (SET options, EXECUTE AS, ...).
  /// Sends nothing when the connection is broken.
  bool reset_for_reuse() noexcept;
  /// False when the idle connection is known to be gone: the driver says it
  /// is dead, or the server closed it (its socket is readable while no
  /// request is outstanding: end of stream or an unsolicited message).
  /// Sends nothing.
  bool idle_connection_usable() noexcept;

private:
  OdbcSqlSession(TargetSettings settings, ConnectionString cs, bool read_only, SqlNotice notice);
  /// (Re)connects; on failure fills \p error (scrubbed, with a remedy) and
  /// sets connect_transient_.
  bool connect(milink::sdk::SqlError& error);
  /// connect(), retried under its own sql_retry_policy() budget while the
  /// failure is transient (each retry a notice); the message of a failure
  /// that outlasts the retries ends "(TARGET unavailable: retried N times over D)".
  bool connect_retrying(milink::sdk::SqlError& error);
  std::string scrub(std::string text) const;
  /// Records \p sql in the audit log: "ok", or \p error's number and message.
  void audit(const std::string& sql, const milink::sdk::SqlError* error) const;
  /// Runs \p sql (ending in session_state_query()) and reads the one row
  /// of its last result set into \p out; false when it fails (sets broken_
  /// when the connection broke) or returns no database.
  bool read_state(const std::string& sql, std::vector<std::string>& out);

  TargetSettings settings_;
  ConnectionString connection_;
  bool read_only_;
  SqlNotice notice_;
  BatchOptions options_;
  std::unique_ptr<Poco::Data::Session> session_;
  bool broken_ = false;
  bool connect_transient_ = false;  ///< the last connect() failed in a way a retry may cure
  int connects_ = 0;
  /// What session_state_query() returned after the last login (its first
  /// value is the database); empty when it could not be read.
  std::vector<std::string> login_state_;
  std::mt19937_64 rng_{std::random_device{}()};  ///< retry jitter
};

}  // namespace milink::sql
