//===- plugins/failover/link_sides.hpp - Both sides of a link -----*- C++ -*-===//
///
/// \file
/// What a failover decides on, read from both sides at once: each side's
/// role in the link, its last hardened LSN, the replication mode each side
/// is set to, the link's failover mode and health, and SQL Server's
/// version. SQL Server through its DMVs (sys.dm_hadr_availability_replica_states,
/// sys.dm_hadr_database_replica_states, sys.availability_replicas); the
/// managed instance through ARM's GET of the link (instanceLinkRole,
/// partnerLinkRole, databases[].lastHardenedLsn). Reads only.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>
#include <vector>

namespace milink::link {

struct LinkSides {
  // SQL Server (the DAG on it)
  std::string server;             ///< @@SERVERNAME
  std::string version;            ///< SERVERPROPERTY('ProductVersion'), "16.0.4135.4"
  bool dag = false;               ///< the DAG exists on SQL Server
  std::string sql_role;           ///< "PRIMARY", "SECONDARY", "" when unknown
  std::string sql_lsn;            ///< SQL Server's own last_hardened_lsn
  std::string log_send_queue_kb;  ///< as primary: the log not yet sent to the instance (KB); "" otherwise
  std::vector<std::string> async_members;  ///< DAG members not SYNCHRONOUS_COMMIT ("AG_sales ASYNCHRONOUS_COMMIT")

  // the managed instance (the link in ARM)
  std::string instance;           ///< the managed instance's name
  bool link = false;              ///< the link exists in Azure
  std::string database;
  std::string instance_role;      ///< instanceLinkRole: "Primary" / "Secondary"
  std::string partner_role;       ///< partnerLinkRole
  std::string failover_mode;      ///< "None" / "Manual"
  std::string replication_mode;   ///< "Async" / "Sync"
  std::string connected_state;    ///< databases[0].connectedState
  std::string health;             ///< databases[0].synchronizationHealth
  std::string instance_lsn;       ///< databases[0].lastHardenedLsn

  bool sql_primary() const;
  bool instance_primary() const;
  bool split_brain() const { return sql_primary() && instance_primary(); }
  /// SQL Server's major version (16 = 2022), 0 when unknown.
  int major() const;
  /// SQL Server's build (4125 in 16.0.4125.3), 0 when unknown.
  int build() const;
  /// "SQL Server PRIMARY, managed instance mi1 Secondary".
  std::string roles() const;
};

/// Reads both sides of the link \p name: SQL Server on SQL target \p target,
/// the link in ARM with \p api_version (a new-shape one). A link missing in
/// ARM or on SQL Server leaves link/dag false (no throw).
LinkSides read_sides(milink::sdk::Context& ctx, const std::string& target, const std::string& name,
                     const std::string& api_version);

}  // namespace milink::link
