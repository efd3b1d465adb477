//===- emulator/state/azure_state.hpp - What ARM knows ------------*- C++ -*-===//
///
/// \file
/// The Azure side of the emulated world: the managed instance's ARM
/// coordinates, the SQL Server certificates it trusts
/// (serverTrustCertificates) and its links (distributedAvailabilityGroups).
/// The ARM routes (emulator/arm) create and read these; the link simulator
/// (emulator/link) advances the links and drives both servers' DMVs. All
/// access happens under EmulatorWorld::mutex.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sql.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace milink::emulator {

/// Microsoft.Sql/managedInstances/{mi}/serverTrustCertificates/{name}
struct ServerTrustCertificate {
  std::string name;
  std::vector<std::uint8_t> der;  ///< the whole DER certificate (publicBlob)
  std::string thumbprint;         ///< SHA-1, upper-case hex
};

/// One database of a link, with its runtime (new schema's databases[]).
struct LinkDatabase {
  std::string name;
  std::string instance_replica_id;
  std::string partner_replica_id;
  std::string replica_state;            ///< e.g. "CreatingLink", "LinkSynchronizing", "LinkInitError"
  std::string connected_state = "DISCONNECTED";
  std::string synchronization_health = "NOT_HEALTHY";
  std::optional<int> seeding_progress;  ///< percent, while seeding
  std::string last_hardened_lsn;  ///< the instance's database: hardened (as the DMV's numeric LSN, decimal)
  std::optional<milink::sdk::SqlDateTime> last_hardened_time;
  std::string last_received_lsn;  ///< the instance's database: received
  std::string last_commit_lsn;    ///< the instance's database: last commit
  std::string last_sent_lsn;      ///< while the instance is primary: what its partner has hardened
  std::optional<int> instance_send_lag_seconds;  ///< instance primary, partner behind
  std::optional<int> instance_redo_lag_seconds;  ///< instance secondary, behind
  std::string most_recent_link_error;   ///< e.g. "41973: ..." (empty when none)
};

/// Microsoft.Sql/managedInstances/{mi}/distributedAvailabilityGroups/{name}
struct LinkResource {
  std::string name;                     ///< the resource name (the DAG name)
  std::string created_with_api_version;
  std::string distributed_availability_group_id;  ///< GUID (lower case, as ARM shows)
  // What was asked for, normalised from either body shape.
  std::string partner_endpoint;         ///< sourceEndpoint / partnerEndpoint, e.g. "TCP://10.0.0.5:5022"
  std::string partner_availability_group_name;   ///< primaryAvailabilityGroupName / partnerAvailabilityGroupName
  std::string instance_availability_group_name;  ///< secondaryAvailabilityGroupName / instanceAvailabilityGroupName
  std::string instance_link_role = "Secondary";  ///< the managed instance's role ("Primary" | "Secondary")
  std::string partner_link_role = "Primary";     ///< SQL Server's role (both "Primary": split brain)
  std::string failover_mode = "Manual";
  std::string seeding_mode = "Automatic";
  std::string replication_mode = "Async";
  std::vector<LinkDatabase> databases;
  // Runtime, advanced by the link simulator.
  std::string link_state = "Creating";  ///< old schema's linkState
  std::string provisioning_state = "Creating";  ///< while the PUT's long-running operation runs
  std::chrono::steady_clock::time_point created_at{};
  std::optional<std::chrono::steady_clock::time_point> connected_at;
  /// How often a connected link dropped because a condition stopped holding
  /// (a certificate no longer trusted, the endpoint stopped, ...): the
  /// emulator's record, not ARM's; in the state dump as "disconnections".
  int disconnections = 0;
};

struct AzureState {
  std::string subscription_id = "00000000-0000-0000-0000-000000000000";
  std::string resource_group = "milink-rg";
  std::string location = "westeurope";
  std::string tenant_id = "11111111-1111-1111-1111-111111111111";
  std::vector<ServerTrustCertificate> server_trust_certificates;
  std::vector<LinkResource> links;
  /// Items per page of a list operation (scenario "arm.page_size"); 0: one page.
  int list_page_size = 0;

  ServerTrustCertificate* find_trust_certificate(const std::string& name);
  LinkResource* find_link(const std::string& name);
};

}  // namespace milink::emulator
