//===- sql/sql_service.hpp - SQL targets of one run --------------*- C++ -*-===//
///
/// \file
/// Owned by the runner for one run. Knows the configured SQL targets
/// (/sqlserver and /managed_instance of the config) and opens sessions on
/// demand. Sessions are not pooled: each step execution opens its own
/// session per target on first use and closes it when the step execution
/// ends (StepContextImpl owns them), because POCO/ODBC sessions are not
/// thread-safe and steps of a for_each run in parallel. A workflow has few
/// steps, so one login per step and target is cheap next to the work done.
///
/// Target settings are read when a target is first opened, so a config
/// mistake in a target no step uses does not stop the run.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "sql/sql_session.hpp"

#include <milink/sdk/value.hpp>

#include <memory>
#include <string>
#include <vector>

namespace milink::sql {

/// The SQL target of a secondary replica of SQL Server's existing AG is
/// this prefix and the replica's name (/sqlserver/replicas/N/name).
inline constexpr const char* kReplicaTargetPrefix = "sqlserver.replicas.";

class SqlService {
public:
  /// \p config_root: the whole resolved config (secrets resolved); copied.
  /// \p config_file: its path, which a relative ca_file is relative to.
  /// Points FREETDSCONF at milink's file (sql/freetds_conf.hpp).
  explicit SqlService(const milink::sdk::Value& config_root, std::string config_file = "");

  /// The configured targets ("sqlserver", "managed_instance", then one
  /// "sqlserver.replicas.<name>" per element of /sqlserver/replicas, whose
  /// unset connection keys come from /sqlserver), in that order.
  std::vector<std::string> targets() const;

  /// Values that must never be shown: every target's password, and the
  /// sensitive values of its connection_string (see
  /// connection_string_secrets). The runner registers them with its redactor.
  std::vector<std::string> secrets() const;

  /// A new, connected session on \p target. nullptr with \p error when the
  /// target is not configured (the error lists the configured ones), its
  /// settings are wrong (naming the config key), or the connection fails
  /// (naming target, host:port and driver, the SQL error and a remedy; never
  /// the password). Thread-safe.
  std::unique_ptr<OdbcSqlSession> open(const std::string& target, bool read_only, SqlNotice notice,
                                       std::string& error) const;

private:
  std::string config_file_;
  struct Target {
    std::string name;
    milink::sdk::Value section;  ///< the config object (or a non-object, reported on open)
  };
  std::vector<Target> targets_;
};

}  // namespace milink::sql
