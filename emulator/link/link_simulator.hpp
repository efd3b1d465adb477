//===- emulator/link/link_simulator.hpp - The link, simulated ------*- C++ -*-===//
///
/// \file
/// Makes the Managed Instance link behave on the emulator's state the way
/// it does between a real SQL Server and a managed instance. The ARM routes
/// call created()/removed() when a distributedAvailabilityGroups resource is
/// PUT or DELETEd; everything else follows from time and the world's state,
/// brought up to date lazily through EmulatorWorld::advance:
///
///  * The instance's replica (sys.dm_hadr_availability_replica_states on
///    SQL Server, for the DAG's remote replica) goes CONNECTED after the
///    profile's connect delay, only when every condition holds. Checked in
///    the order a real link meets them; the first that fails sets
///    last_connect_error_number/_description/_timestamp (SQL Server's DAG,
///    when it exists) and the ARM mostRecentLinkError "<number>: <text>":
///      condition (SQL Server side unless said)        DMV        ARM
///      a DATABASE_MIRRORING endpoint exists           28080      41986
///      ... STARTED                                    9666       41986
///      ... with certificate authentication            28027      41986
///      ... encrypting with AES                        28027      41986
///      the ARM partnerEndpoint's port is its port     35201      41986
///      a serverTrustCertificate whose DER is the
///        endpoint certificate's (managed instance)    41973      41973
///      a certificate whose DER is the managed
///        instance's endpoint certificate (or its
///        issuer, via sp_certificate_add_issuer)       41974      41974
///      an AG named partnerAvailabilityGroupName, a
///        DAG named like the link, built on that AG,
///        its other member named
///        instanceAvailabilityGroupName with a
///        LISTENER_URL on the managed instance's FQDN
///        port 5022                                    41976      41976
///      the AG holds each link database, which the
///        managed instance does not have yet           41977      41977
///    Names compare as both servers' collations do (a difference in case
///    only matches when both are case-insensitive). Texts: sys.messages for
///    the numbers; that the DMV shows the 419xx link errors is inferred.
///  * Then seeding: the database appears on the managed instance RESTORING,
///    with progress in sys.dm_hadr_physical_seeding_stats (scaled to the
///    database size in the demo and realistic profiles), then ONLINE and read-only;
///    the DAG reports SYNCHRONIZING then HEALTHY, and the ARM link's
///    replicaState / linkState follow.
///
/// The ARM side, per database of the link (the MI-link troubleshooting doc's
/// replicaState values; linkState values other than "Catchup" are inferred):
///   created, not yet connected   replicaState CreatingLink, linkState Creating
///   connected, seeding           CreatingLink (seedingProgress %), linkState Seeding
///   seeded                       LinkSynchronizing, linkState Catchup
///   a condition missing          LinkInitError (41973, 41974, 41976, 41986)
///   target database unusable     LinkCreationError (41977)
///   log backup during seeding    LinkCreationError (1412), for good: drop and recreate
/// The PUT's long-running operation (operation_outcome, provisioning_state)
/// succeeds when seeding ends, and fails with the current error when the link
/// has not connected within the profile's connect_timeout (the real service
/// gives up after 5 minutes, error 41962) or on 1412. A link keeps retrying
/// after that: fixing the cause connects it on the next advance(), and its
/// provisioning_state becomes Succeeded when it has seeded.
///
/// removed() drops the managed instance's DAG (and its AG when no other link
/// uses it); a database that finished seeding stays on the managed instance,
/// read-write and out of the AG (what migrating with the link relies on); one
/// still RESTORING is dropped. SQL Server's DAG stays (users drop it), with
/// the remote replica DISCONNECTED.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/world.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace milink::emulator {

/// How long things take.
struct TimingProfile {
  std::string name = "fast";
  std::chrono::milliseconds arm_operation{50};       ///< a PUT/DELETE long-running operation
  std::chrono::milliseconds connect_delay{100};      ///< ARM link created -> replica CONNECTED
  double seeding_bytes_per_second = 512.0 * 1024 * 1024;  ///< fast: a 64 MB database seeds in ~0.1 s
  std::chrono::milliseconds catch_up{100};           ///< seeded -> HEALTHY
  /// Created and still not connected after this long: the PUT's operation
  /// fails with the current error (the link keeps retrying).
  std::chrono::milliseconds connect_timeout{1000};
  /// How far an ASYNCHRONOUS_COMMIT secondary trails its primary's log
  /// under a write workload (a SYNCHRONOUS_COMMIT one keeps up).
  std::chrono::milliseconds async_lag{200};
  /// A managed instance database that became primary (failover) or
  /// standalone (link removed) gets its first automatic full backup this
  /// long after.
  std::chrono::milliseconds first_backup_delay{200};

  static TimingProfile fast();
  /// ARM operations take seconds, connecting ~30 s, seeding ~50 MB/s, the
  /// PUT gives up after 5 minutes.
  static TimingProfile realistic();
  /// For watching a run (`milink run --emulator`'s default): ARM operations
  /// ~1 s, connecting ~3 s, seeding ~9 MB/s (the sample's 64 MB sales
  /// database in ~7 s), catch-up ~1 s, the PUT gives up after 60 s.
  static TimingProfile demo();
  /// "fast" | "demo" | "realistic"; throws std::invalid_argument otherwise.
  static TimingProfile named(const std::string& name);
};

/// The outcome of an ARM request the simulator judged.
struct LinkResult {
  bool ok = true;
  int http_status = 200;
  std::string code;     ///< ARM error code when !ok
  std::string message;  ///< ARM error message when !ok
};

/// How a role change asked for over T-SQL or ARM was judged.
enum class RoleChangeError {
  None,
  NotALink,          ///< no link with that name is simulated
  NotPrimary,        ///< a planned failover asked of the secondary side
  NotSynchronizing,  ///< not connected, not seeded and caught up, split brain, or not SYNC on both sides
  Behind,            ///< SYNC but the secondary has not hardened all of the primary's log
  AlreadyInRole,     ///< setRole to the role the instance has
  Unsupported,       ///< setRole Primary Planned; FAILOVER on SQL Server before 2022 CU13
};

class LinkSimulator : public LinkHooks {
public:
  /// Installs itself as \p world.advance (taking the world mutex: do not
  /// hold it). \p world must outlive it.
  LinkSimulator(EmulatorWorld& world, TimingProfile profile);
  /// Clears \p world.advance and world.link_hooks (taking the world mutex: do not hold it).
  ~LinkSimulator() override;
  LinkSimulator(const LinkSimulator&) = delete;
  LinkSimulator& operator=(const LinkSimulator&) = delete;

  const TimingProfile& profile() const noexcept { return profile_; }

  /// A link resource was PUT (already validated against the spec and stored
  /// in world.azure.links by the ARM layer). Starts it: the clock starts at
  /// link.created_at (set to now when it is unset). Returns 201 (200 when
  /// the link was already started); fails (409) when the managed instance
  /// already has an availability group with the link's name, (400) when the
  /// link and instance availability group names are equal, (500) when the
  /// link is not in world.azure.links. Call with the world mutex held.
  LinkResult created(LinkResource& link);
  /// The link resource is being DELETEd: tear down the instance side
  /// (database, replica states). Call with the world mutex held.
  void removed(const LinkResource& link);
  /// Brings every link up to now (what EmulatorWorld::advance does). Time
  /// never goes back: an earlier \p now than a previous call's counts as
  /// that call's (tests drive it with synthetic times while the engines'
  /// own calls use the clock). Call with the world mutex held.
  void advance(std::chrono::steady_clock::time_point now);

  /// How the link's PUT operation ended: nullopt while it runs (or for an
  /// unknown link); ok, or failed with code "LinkInitError" /
  /// "LinkCreationError" and message "<number>: <text>" (as
  /// mostRecentLinkError). Call with the world mutex held.
  std::optional<LinkResult> operation_outcome(const std::string& link_name) const;

  // --- a link's life (docs/emulator.md, "A link's life"); all under the world mutex ---

  /// True when \p link_name is a link this simulator drives.
  bool tracks(const std::string& link_name) const;
  /// ARM failover: Planned moves the primary role from the managed instance
  /// back to SQL Server (the instance must be primary: NotPrimary), only
  /// when the link is SYNC on both sides and caught up; ForcedAllowDataLoss
  /// makes the managed instance primary with the log it had hardened (SQL
  /// Server stays primary: split brain).
  RoleChangeError arm_failover(const std::string& link_name, bool forced);
  /// ARM setRole: Secondary (Planned or Forced) demotes the managed
  /// instance; Primary Forced is a forced failover to it; Primary Planned
  /// is Unsupported.
  RoleChangeError arm_set_role(const std::string& link_name, bool primary, bool forced);
  /// ARM PATCH replicationMode: the managed instance's side of the DAG.
  void replication_mode_changed(const std::string& link_name);
  /// ARM PATCH databases[] of a running multi-database link, already applied
  /// to the resource's databases[]: each of \p added seeds (now when the link
  /// is connected, else when it connects; the link's conditions then include
  /// it being in SQL Server's AG) and is reported per database while the
  /// others replicate; each of \p removed leaves the link as when the whole
  /// link is removed (a seeded copy stays on the managed instance, read-write;
  /// one still seeding is dropped: inferred) and leaves both servers' replica
  /// states. Unknown names are ignored.
  void databases_changed(const std::string& link_name, const std::vector<std::string>& added,
                         const std::vector<std::string>& removed);
  /// Changes a database's write workload at run time (0 stops it).
  /// Returns false when the server has no such database.
  bool set_workload(Personality server, const std::string& database, double log_bytes_per_second);

  /// LinkHooks: ALTER AVAILABILITY GROUP [dag] FAILOVER / FORCE_FAILOVER_ALLOW_DATA_LOSS
  /// / SET (ROLE = SECONDARY) on SQL Server.
  Result sql_failover(const std::string& dag, bool forced) override;
  Result sql_set_secondary(const std::string& dag) override;

private:
  struct State;
  EmulatorWorld& world_;
  TimingProfile profile_;
  std::unique_ptr<State> state_;
};

}  // namespace milink::emulator
