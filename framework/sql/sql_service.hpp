//===- sql/sql_service.hpp - SQL targets of one run --------------*- C++ -*-===//
///
/// \file
/// Owned by the runner for one run. Knows the configured SQL targets
/// (/sqlserver and /managed_instance of the config) and opens sessions on
/// demand.
///
/// Sessions are pooled for the run. A step execution takes a session per
/// target on first use (open()) and gives it back when it ends (release(),
/// from StepContextImpl); the next open() for the same target and mode
/// (read-only or not) takes an idle one instead of logging in again (TCP,
/// PRELOGIN, TLS handshake, LOGIN7: most of the cost of a step that only
/// observes). POCO/ODBC sessions are not thread-safe, so a session belongs
/// to one step execution at a time; steps of a for_each that run in
/// parallel each have their own. At most max_idle sessions per target and
/// mode wait in the pool; the surplus, and every idle session when the
/// service is destroyed (the end of the run), are closed.
///
/// A session comes back clean, as after login: milink resets it when it is
/// given back (session_reset.hpp). The proper mechanism, TDS's
/// RESETCONNECTION flag (what sp_reset_connection does for ADO.NET pools),
/// is out of reach: FreeTDS's ODBC driver (Debian 12: tdsodbc 1.3.17) has no
/// SQL_COPT_SS_RESET_CONNECTION and never sets the flag. So one batch rolls
/// back an open transaction and USEs the database the session logged in to,
/// then reads the session state (database, @@OPTIONS, security context,
/// lock timeout, DATEFIRST, TEXTSIZE, language) and compares it with the
/// state read right after login: a session whose state differs (a SET
/// option, EXECUTE AS, ...) is closed, not pooled. Also closed, never
/// pooled: a session whose connection broke, whose reset failed, or whose
/// step execution failed (it may have stopped half way through something).
/// A pooled session whose connection the server has closed meanwhile is
/// noticed when it is taken (its socket is readable) and replaced by a new
/// login, before the step sends anything. Local #temp tables are not seen
/// by the check: a step drops those it creates (sdk/sql.hpp).
///
/// Target settings are read when a target is first opened, so a config
/// mistake in a target no step uses does not stop the run.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/sql_session.hpp"

#include <milink/sdk/value.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace milink::sql {

/// The SQL target of a secondary replica of SQL Server's existing AG is
/// this prefix and the replica's name (/sqlserver/replicas/N/name).
inline constexpr const char* kReplicaTargetPrefix = "sqlserver.replicas.";

class SqlService {
public:
  /// \p config_root: the whole resolved config (secrets resolved); copied.
  /// \p config_file: its path, which a relative ca_file is relative to.
  /// \p max_idle: idle sessions kept per target and mode (at least 1).
  /// Points FREETDSCONF at milink's file (sql/freetds_conf.hpp).
  explicit SqlService(const milink::sdk::Value& config_root, std::string config_file = "",
                      std::size_t max_idle = kDefaultMaxIdle);
  /// Closes every idle session.
  ~SqlService();
  SqlService(const SqlService&) = delete;
  SqlService& operator=(const SqlService&) = delete;

  /// Idle sessions kept per target and mode unless the runner says otherwise.
  static constexpr std::size_t kDefaultMaxIdle = 8;

  /// The configured targets ("sqlserver", "managed_instance", then one
  /// "sqlserver.replicas.<name>" per element of /sqlserver/replicas, whose
  /// unset connection keys come from /sqlserver), in that order.
  std::vector<std::string> targets() const;

  /// Values that must never be shown: every target's password, and the
  /// sensitive values of its connection_string (see
  /// connection_string_secrets). The runner registers them with its redactor.
  std::vector<std::string> secrets() const;

  /// A connected session on \p target: an idle one from the pool (its
  /// connection still open, its notices now going to \p notice), else a new
  /// one. nullptr with \p error when the target is not configured (the
  /// error lists the configured ones), its settings are wrong (naming the
  /// config key), or the connection fails (naming target, host:port and
  /// driver, the SQL error and a remedy; never the password). Thread-safe.
  std::unique_ptr<OdbcSqlSession> open(const std::string& target, bool read_only, SqlNotice notice,
                                       std::string& error) const;

  /// Gives back a session open() returned, when its step execution ends.
  /// \p reusable false (the step execution failed) closes it; otherwise it
  /// is reset (see the file comment) and kept idle, or closed when the reset
  /// says it must not be reused or max_idle sessions already wait.
  /// Thread-safe.
  void release(std::unique_ptr<OdbcSqlSession> session, bool reusable) const noexcept;

  /// Idle sessions now waiting for \p target (tests).
  std::size_t idle(const std::string& target, bool read_only) const;

private:
  std::string config_file_;
  struct Target {
    std::string name;
    milink::sdk::Value section;  ///< the config object (or a non-object, reported on open)
  };
  std::vector<Target> targets_;
  std::size_t max_idle_;
  using PoolKey = std::pair<std::string, bool>;  ///< target, read_only
  mutable std::mutex pool_mu_;
  mutable std::map<PoolKey, std::vector<std::unique_ptr<OdbcSqlSession>>> idle_;  ///< guarded by pool_mu_
};

}  // namespace milink::sql
