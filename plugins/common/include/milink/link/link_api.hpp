//===- milink/link/link_api.hpp - The link resource in ARM --------*- C++ -*-===//
///
/// \file
/// `distributedAvailabilityGroups` changed shape in 2023-05-01-preview:
/// before it, a link names targetDatabase/sourceEndpoint/
/// primaryAvailabilityGroupName/secondaryAvailabilityGroupName (the seed's
/// 2021-05-01-preview); from it on, databases[]/partnerEndpoint/
/// partnerAvailabilityGroupName/instanceAvailabilityGroupName. Between
/// them, 2023-02-01-preview is mixed: its PUT takes the old names, its GET
/// and list answer the new ones. So the shape of a request body follows the
/// api-version (legacy_link_shape: the PUT), while a response is read in
/// whichever shape it comes (read_link), never by its api-version.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/arm.hpp>
#include <milink/sdk/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::link {

inline constexpr const char* kDefaultLinkApiVersion = "2025-01-01";

/// True for "YYYY-MM-DD" or "YYYY-MM-DD-preview".
bool is_api_version(const std::string& v);
/// True when \p api_version's PUT takes the pre-2023-05-01-preview body
/// (2023-02-01-preview included, although it answers in the new names).
bool legacy_link_shape(const std::string& api_version);
/// True when \p api_version has the link's `linkMode` (SingleDatabase /
/// MultiDatabase): 2025-02-01-preview and later.
bool has_link_mode(const std::string& api_version);

/// What milink asks ARM for.
struct LinkRequest {
  std::string database;
  std::string partner_availability_group;   ///< the AG on SQL Server
  std::string instance_availability_group;  ///< the managed instance's side (the seed: the instance name)
  std::string partner_endpoint;             ///< "TCP://host:5022"
  std::string failover_mode = "None";       ///< "None" (one-way) or "Manual" (two-way); new shape only
  std::string replication_mode = "Async";   ///< "Async" or "Sync"; both shapes
  /// "" (the body has no linkMode), "SingleDatabase" or "MultiDatabase"
  /// (only with an api-version that has_link_mode()).
  std::string link_mode;
  /// A multi-database link's databases (\p database is then the first).
  std::vector<std::string> databases;
};

/// The PUT body for \p api_version. The old shape (before
/// 2023-05-01-preview) has replicationMode but no failoverMode; the new one
/// has both.
milink::sdk::Value link_body(const LinkRequest& r, const std::string& api_version);

/// One database of a link as a GET shows it (new shape's databases[]).
struct LinkDatabaseView {
  std::string name;
  std::string replica_state;
  std::string connected_state;
  std::string synchronization_health;
  std::string seeding_progress;  ///< "42%"
  std::string last_hardened_lsn;
  std::string most_recent_link_error;
};

/// What a GET shows, in either shape whatever the api-version (missing
/// fields are empty).
struct LinkView {
  std::string database;
  std::string partner_availability_group;
  std::string instance_availability_group;
  std::string partner_endpoint;
  std::string provisioning_state;
  std::string link_state;        ///< legacy linkState
  std::string replica_state;     ///< databases[0].replicaState
  std::string connected_state;   ///< databases[0].connectedState
  std::string synchronization_health;
  std::string seeding_progress;  ///< "42%"
  std::string most_recent_link_error;  ///< "41973: ..." as ARM shows it
  std::string failover_mode;     ///< "" in the old shape
  std::string replication_mode;
  std::string instance_link_role;  ///< "Primary" / "Secondary"; "" in the old shape
  std::string partner_link_role;   ///< SQL Server's role as Azure sees it; "" in the old shape
  std::string last_hardened_lsn;   ///< the instance's copy (databases[0].lastHardenedLsn, or the old top-level one)
  std::optional<long long> instance_send_lag_seconds;  ///< instance primary, SQL Server behind
  std::optional<long long> instance_redo_lag_seconds;  ///< instance secondary and behind
  std::string link_mode;  ///< "" when the api-version has no linkMode
  std::vector<LinkDatabaseView> databases;  ///< every database of a new-shape link, in ARM's order
};

/// The state that makes \p v a failed link ("provisioningState Failed",
/// "replicaState LinkCreationError"), or "" when it is not failed. A failed
/// link does not heal by re-running the creation: it must be removed and
/// created again.
std::string link_failure(const LinkView& v);
LinkView read_link(const milink::sdk::Value& body);

/// A one-line difference between what exists and what \p want asks for
/// ("partnerEndpoint is TCP://a:5022, the workflow wants TCP://b:5022"),
/// or "" when they agree (names compare case-insensitively). The failover
/// mode is compared when the link shows one; the replication mode is not
/// (it may change on a live link).
std::string link_difference(const LinkView& have, const LinkRequest& want);

/// The PATCH body that sets a multi-database link's databases to \p databases
/// (the whole list: those missing are added, those not listed removed).
milink::sdk::Value link_databases_body(const std::vector<std::string>& databases);

/// `<instance>/distributedAvailabilityGroups/<name>`.
std::string link_path(const milink::sdk::ArmCoordinates& c, const std::string& name);

}  // namespace milink::link
