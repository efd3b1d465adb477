//===- emulator/state/world.hpp - Both emulated servers ----------*- C++ -*-===//
///
/// \file
/// The emulated world: the SQL Server, the managed instance, and the
/// emulator's certificate authority (which issues the managed instance's
/// endpoint certificates, as Azure's PKI does for the real service). Every
/// engine, the link emulation and (later) the ARM emulation share one
/// EmulatorWorld and change it only while holding its mutex, so a DMV read
/// on one server sees a consistent picture of both.
///
/// The link emulation changes the servers through the ServerState hooks
/// (set_replica_connected, set_replica_connect_error, add_seeding_stats,
/// add_database for the seeded copy, which may be RESTORING); the ARM
/// emulation's state (server trust certificates, distributed availability
/// groups) belongs here too, beside the two servers, under the same mutex.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "state/azure_state.hpp"
#include "state/network.hpp"
#include "state/scenario.hpp"
#include "state/server_state.hpp"
#include "state/x509.hpp"

#include <milink/sdk/value.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>

namespace milink::emulator {

/// What SQL Server's T-SQL on a distributed availability group asks of the
/// link simulation (implemented by LinkSimulator). Each returns whether the
/// DAG is a link the simulation drives (handled) and, when refused, SQL
/// Server's error (number, text; severity 16).
struct LinkHooks {
  struct Result {
    bool handled = false;
    int error_number = 0;  ///< 0: done
    std::string error_text;
  };
  virtual ~LinkHooks() = default;
  /// ALTER AVAILABILITY GROUP [dag] FAILOVER (\p forced false) or
  /// FORCE_FAILOVER_ALLOW_DATA_LOSS (true), run on SQL Server.
  virtual Result sql_failover(const std::string& dag, bool forced) = 0;
  /// ALTER AVAILABILITY GROUP [dag] SET (ROLE = SECONDARY), run on SQL Server.
  virtual Result sql_set_secondary(const std::string& dag) = 0;
};

class EmulatorWorld {
public:
  /// Builds both servers from \p scenario and generates the CA and the
  /// managed instance's endpoint certificate (RSA 2048).
  explicit EmulatorWorld(const Scenario& scenario = default_scenario());
  EmulatorWorld(const EmulatorWorld&) = delete;
  EmulatorWorld& operator=(const EmulatorWorld&) = delete;

  /// Guards everything below. Engines hold it for a whole batch.
  mutable std::mutex mutex;
  /// Takes the mutex for a caller that may change anything: it also starts a
  /// new generation, so rows cached from the old one are not read again.
  std::unique_lock<std::mutex> lock() const {
    std::unique_lock<std::mutex> held(mutex);
    ++generation_;
    return held;
  }
  /// Takes the mutex for a caller that reports each change it makes through
  /// mark_changed() or bump_generation() (the SQL engine, which does it per
  /// statement, and ARM reads): reads under it keep the generation, so the
  /// SQL engine's cached catalog rows stay valid across them.
  std::unique_lock<std::mutex> lock_tracked() const { return std::unique_lock<std::mutex>(mutex); }

  /// The world's generation (call with the mutex held): it changes whenever
  /// anything may have changed, so equal generations mean an unchanged
  /// world (sql/view_cache.hpp relies on it).
  std::uint64_t generation() const { return generation_; }
  /// Under the mutex: something changed that the link conditions may read
  /// (sets changed) and the catalog views may show (a new generation).
  void mark_changed() {
    changed = true;
    ++generation_;
  }
  /// Under the mutex: something changed that only the catalog views show.
  void bump_generation() { ++generation_; }

  ServerState sql_server;
  ServerState managed_instance;
  /// The secondary replicas of the scenario's "availability_group"
  /// (state/existing_ag.hpp), each its own server; sql_server is the
  /// primary. Empty without one. A deque: engines hold references.
  std::deque<ServerState> sql_replicas;
  /// ARM's view: trust certificates and links of the managed instance.
  AzureState azure;
  /// The network between the two servers (the scenario's "network" key).
  NetworkModel network;
  /// Called (under the mutex) before any read or write of the world by an
  /// engine or the ARM emulation, so time-driven state (links, seeding) is
  /// brought up to date lazily. Set by the link simulator; may be empty.
  std::function<void()> advance;
  /// Set (through mark_changed()) by every statement or ARM request that may
  /// change what the link conditions read (anything but a query); the link
  /// simulator re-checks every link then, and otherwise only the links whose
  /// next timed event is due, so a query costs the same with 1 or 500 links.
  bool changed = true;
  /// The link simulation's answers to distributed-AG T-SQL; may be null.
  LinkHooks* link_hooks = nullptr;
  /// The emulator's root CA ("milink emulator root CA").
  GeneratedCertificate root_ca;

  ServerState& server(Personality p) { return p == Personality::SqlServer ? sql_server : managed_instance; }
  const ServerState& server(Personality p) const {
    return p == Personality::SqlServer ? sql_server : managed_instance;
  }

  /// The secondary replica named \p name (case-insensitive); nullptr when none.
  ServerState* sql_replica(std::string_view name);

  /// {"sql_server": ..., "managed_instance": ..., "sql_replicas": [...]}. Takes the mutex.
  milink::sdk::Value dump() const;
  /// A copy of a server's statement log. Takes the mutex.
  std::vector<StatementLogEntry> statement_log(Personality p) const;

  /// Issues a certificate for the managed instance (its FQDN as CN and
  /// DNS name) signed by the root CA, valid from a day ago for a year.
  Certificate issue_instance_certificate(const std::string& label) const;
  /// The same, valid for \p valid_days from now (negative: already expired).
  Certificate issue_instance_certificate(const std::string& label, int valid_days) const;
  /// Azure rotates the instance's DATABASE_MIRRORING certificate: a new one,
  /// valid \p valid_days, replaces it at once (what endpointCertificates,
  /// sp_get_endpoint_certificate and the link present from now on). Call with
  /// the mutex held. Returns the new certificate.
  const Certificate& rotate_instance_certificate(int valid_days);
  /// Scenario time travel: moves the emulated clock (now_utc(), see
  /// time_util.hpp) \p seconds further ahead of the real one, so dates,
  /// certificate expiry and the link's times read as that much later. Call
  /// with the mutex held. Returns the clock's new lead in seconds.
  std::int64_t advance_clock(std::int64_t seconds);

private:
  mutable std::uint64_t generation_ = 0;
};

}  // namespace milink::emulator
