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

/// SQL Server's newest seeding of one database
/// (sys.dm_hadr_physical_seeding_stats, as the source sees it).
struct SqlSeeding {
  std::string state;                   ///< internal_state_desc; "" when the database never seeded
  std::int64_t transferred_bytes = 0;
  std::int64_t database_bytes = 0;
  int failure = 0;                     ///< failure_code
  bool failed() const { return state == "Failed" || failure != 0; }
  /// Progress 0..1 while it runs; nullopt when none ran or it ended.
  std::optional<double> fraction() const;
};

/// One database of a DAG's local AG: a single-database link has one, a
/// multi-database link several.
struct SqlLinkDatabase {
  std::string name;
  SqlSeeding seeding;
};

/// One distributed availability group as SQL Server's DMVs show it.
struct SqlLink {
  std::string dag;                 ///< the DAG's name
  std::string database;            ///< the first of databases ("" when the local AG holds none)
  std::vector<SqlLinkDatabase> databases;  ///< the local AG's databases (sys.availability_databases_cluster)
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

/// One database of a link, as both sides show it.
struct LinkDatabaseRow {
  std::string name;
  bool on_sql_server = false;
  bool in_azure = false;
  SqlSeeding sql_seeding;                  ///< valid when on_sql_server
  milink::link::LinkDatabaseView azure;    ///< valid when in_azure
  /// Progress 0..1 while seeding (SQL Server's figures first, else Azure's
  /// seedingProgress while the replica is CreatingLink); nullopt otherwise.
  std::optional<double> seeding_fraction() const;
  bool seeding_failed() const { return on_sql_server && sql_seeding.failed(); }
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
  /// Every database the link carries, SQL Server's AG and Azure's
  /// databases[] merged (SQL Server's order, then Azure's extra ones).
  std::vector<LinkDatabaseRow> databases() const;
  /// Seeding progress 0..1 while any database seeds: copied bytes over the
  /// seeding databases' size (the mean of Azure's percentages when SQL
  /// Server's figures are missing); nullopt when none seeds.
  std::optional<double> seeding_fraction() const;
  /// The databases still seeding, summed: copied and total bytes (SQL Server's figures).
  SqlSeeding seeding_totals() const;
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
