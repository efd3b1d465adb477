//===- plugins/verify/link_status.hpp - One look at a link ------------*- C++ -*-===//
///
/// \file
/// What SQL Server's DMVs (and, when asked, ARM) say about one link at one
/// moment: the instance replica's connected state and last connect error
/// (sys.dm_hadr_availability_replica_states ⨝ sys.availability_replicas, the
/// seed's query), seeding progress (sys.dm_hadr_physical_seeding_stats), and
/// ARM's replicaState / mostRecentLinkError.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/link_api.hpp>
#include <milink/sdk/sdk.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace milink::link {

struct LinkStatus {
  bool dag_exists = false;
  bool replica_found = false;
  std::string connected_state;          ///< CONNECTED / DISCONNECTED
  std::string synchronization_health;   ///< of the instance replica
  int last_error_number = 0;
  std::string last_error_description;
  std::string seeding_state;            ///< internal_state_desc: ReadingAndSendingData, Success, Failed...
  std::int64_t transferred_bytes = 0;
  std::int64_t database_bytes = 0;
  int seeding_failure = 0;
  bool remote_synchronizing = false;    ///< the instance's database replica is SYNCHRONIZING/SYNCHRONIZED
  std::optional<LinkView> arm;          ///< when ARM was asked

  bool connected() const { return connected_state == "CONNECTED"; }
  bool seeded() const;
  /// SQL Server calls the instance's replica HEALTHY (or says nothing of its
  /// health). Right after seeding it is NOT_HEALTHY while the copy catches
  /// up with the log written meanwhile.
  bool healthy() const { return synchronization_health.empty() || synchronization_health == "HEALTHY"; }
  /// A failure that waiting will not fix (seeding failed, ARM *Error state
  /// for creation errors).
  bool failed_for_good() const;
  /// One line for progress: "seeding: 12.0 MB of 64.0 MB (18%)".
  std::string describe() const;
  double fraction() const;  ///< seeding progress 0..1, -1 when unknown
};

struct LinkTarget {
  std::string sql_target;
  std::string dag_name;
  std::string database;
  std::string instance_name;  ///< the DAG's remote member
  bool check_arm = true;
  std::string link_name;
  std::string api_version;
};

LinkStatus read_link_status(const LinkTarget& t, milink::sdk::Context& ctx);

/// A multi-line explanation of why \p s is not healthy, with remedies.
std::string diagnose_status(const LinkStatus& s, const LinkTarget& t);

}  // namespace milink::link
