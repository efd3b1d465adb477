//===- status/report.hpp - What `milink status` found -----------*- C++ -*-===//
///
/// \file
/// The figures `milink status` reads from both sides (sql_side.hpp,
/// arm_side.hpp) and the verdict on them (assess.hpp): one LinkRow per link
/// (a DAG on SQL Server and/or a link in Azure, matched by name), the
/// certificates that keep links up, and the mirroring endpoint.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/link_api.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace milink::status {

/// Monitoring's convention: the exit code of `milink status`.
enum class Severity { Ok = 0, Warning = 1, Critical = 2 };
/// "ok", "warning", "critical".
const char* severity_name(Severity s) noexcept;
Severity worst(Severity a, Severity b) noexcept;

/// One distributed availability group as SQL Server's DMVs show it.
struct SqlLink {
  std::string dag;                 ///< the DAG's name
  std::string database;            ///< via the DAG's local AG (sys.availability_databases_cluster)
  std::string local_ag;            ///< the DAG's member that is an AG on this server
  std::string remote_ag;           ///< the other member (the instance's AG)
  std::string local_role;          ///< PRIMARY / SECONDARY, "" when unknown
  std::string remote_role;
  std::string availability_mode;   ///< of SQL Server's member: ASYNCHRONOUS_COMMIT / SYNCHRONOUS_COMMIT
  std::string failover_mode;       ///< MANUAL / AUTOMATIC
  std::string connected_state;     ///< of the remote member: CONNECTED / DISCONNECTED
  std::string synchronization_health;
  int last_error_number = 0;
  std::string last_error_description;
  std::string synchronization_state;       ///< of the database's secondary copy as the primary sees it
  std::string last_hardened_lsn;           ///< SQL Server's (local row)
  std::string remote_last_hardened_lsn;    ///< the secondary's, when SQL Server is primary
  std::optional<std::int64_t> lag_seconds;        ///< secondary_lag_seconds (SQL Server primary)
  std::optional<std::int64_t> log_send_queue_bytes;  ///< log_send_queue_size KB x 1024 (SQL Server primary)
  std::string seeding_state;               ///< internal_state_desc of the newest seeding, "" when none
  std::int64_t transferred_bytes = 0;
  std::int64_t database_bytes = 0;
  int seeding_failure = 0;
};

/// One certificate that a link depends on, and when it expires.
struct CertificateStatus {
  std::string kind;   ///< sql_server_endpoint, instance_endpoint, trusted_by_sql_server, trusted_by_instance
  std::string name;
  std::string expiry;  ///< "YYYY-MM-DD"; "" when unknown
  std::optional<long long> days_left;
  Severity severity = Severity::Ok;
  std::string message;  ///< why warning/critical, with what to do; "" when ok
};

struct EndpointStatus {
  bool exists = false;
  std::string name;
  std::string state;           ///< STARTED / STOPPED / DISABLED
  std::string authentication;  ///< connection_auth_desc
  int certificate_id = 0;
  Severity severity = Severity::Ok;
  std::string message;
};

/// One link: a row per name found on either side.
struct LinkRow {
  std::string name;      ///< the DAG's / the Azure link's name
  std::string database;
  bool on_sql_server = false;
  bool in_azure = false;
  SqlLink sql;                          ///< valid when on_sql_server
  milink::link::LinkView azure;         ///< valid when in_azure
  Severity severity = Severity::Ok;
  std::string state;                    ///< one word: healthy, seeding, lagging, disconnected, half-built, failed, ...
  std::vector<std::string> problems;    ///< what is wrong, each with its remedy

  /// The figures both sides agree on, whichever side had them.
  std::string sql_server_role() const;
  std::string instance_role() const;
  std::string connected_state() const;
  std::string synchronization_health() const;
  std::string instance_last_hardened_lsn() const;
  std::optional<std::int64_t> lag_seconds() const;
  /// Seeding progress 0..1 while seeding; nullopt when not seeding.
  std::optional<double> seeding_fraction() const;
  /// The last error as "number: text" (SQL Server's, else Azure's); "".
  std::string last_error() const;
  int last_error_number() const;
};

struct Report {
  std::vector<LinkRow> links;
  std::vector<CertificateStatus> certificates;
  EndpointStatus endpoint;
  std::vector<std::string> errors;  ///< a side that could not be read, and why
  Severity severity = Severity::Ok;
  /// 0 ok, 1 warning, 2 critical; 3 when nothing critical was seen but a
  /// side could not be read (the status is unknown).
  int exit_code() const;
};

}  // namespace milink::status
