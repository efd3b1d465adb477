//===- emulator/app/emulator.hpp - Both servers, started together -*- C++ -*-===//
///
/// \file
/// An Emulator is what `milink-emulator` runs and what tests start
/// in-process: the emulated world (from a scenario), a SQL engine per
/// personality, and a TDS listener per personality on loopback.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "arm/azure_emulator.hpp"
#include "faults/fault_plan.hpp"
#include "link/link_simulator.hpp"
#include "state/scenario.hpp"
#include "state/world.hpp"
#include "tds/tds_server.hpp"

#include <milink/sdk/value.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace milink::emulator {

class SqlEngine;

struct EmulatorOptions {
  Scenario scenario = default_scenario();
  std::string bind = "127.0.0.1";  ///< loopback only
  std::uint16_t sql_port = 0;      ///< 0 picks a free port
  std::uint16_t mi_port = 0;
  /// Replaces the sa password of both servers.
  std::optional<std::string> sa_password;
  /// ARM (HTTPS); Entra ID and the managed-identity endpoints pick free ports.
  std::uint16_t arm_port = 0;
  /// "fast" (milliseconds, for tests), "demo" (seconds, for watching a
  /// run: TimingProfile::demo) or "realistic" (ARM operations and seeding
  /// take seconds to minutes, seeding scaled to database size).
  std::string profile = "fast";
  /// Test-only: the link simulation's timings instead of the profile's
  /// (e.g. a catch-up that never ends, to see a link stay NOT_HEALTHY).
  std::optional<TimingProfile> timings;
  /// Fault rules (faults/fault_plan.hpp); changeable at run time.
  std::string faults;
  /// Test-only: when set, both TDS certificates name only these DNS names
  /// (no IP address), to see a client refuse a certificate for another host.
  /// Unset: each names localhost, 127.0.0.1, ::1, \c bind and the server's
  /// own name (the managed instance: its FQDN).
  std::optional<std::vector<std::string>> tds_certificate_names;
};

class Emulator {
public:
  explicit Emulator(EmulatorOptions options = {});
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  /// Starts both listeners. Throws std::runtime_error when a port is taken.
  void start();
  void stop();

  std::uint16_t sql_port() const;
  std::uint16_t mi_port() const;
  /// The TDS port of the scenario's secondary replica \p name (its
  /// "availability_group"); 0 when there is no such replica.
  std::uint16_t replica_port(const std::string& name) const;
  /// The TDS port of the scenario's AG listener (it answers as SQL Server,
  /// the primary replica); 0 without a listener.
  std::uint16_t listener_port() const;
  EmulatorWorld& world() { return *world_; }
  const EmulatorOptions& options() const { return options_; }
  /// The sa password of the server (after --sa-password).
  std::string sa_password(Personality p) const;

  std::uint16_t arm_port() const;
  AzureEmulator& azure() { return *azure_; }
  FaultPlan& faults() { return faults_; }
  LinkSimulator& links() { return *links_; }

  /// The test service principal registered at start: a client secret and a
  /// certificate, written into the config by write_config().
  const ServicePrincipalCredentials& service_principal() const { return principal_; }

  /// A milink config that targets this emulator: both SQL targets (with a
  /// scenario "availability_group": sqlserver.availability_group,
  /// sqlserver.listener and sqlserver.replicas, one per secondary), the
  /// azure section (ARM endpoint, authority, CA, coordinates) and two
  /// credential provider instances for the test service principal:
  /// "emulator" (client-secret, the default) and "emulator-certificate"
  /// (client-certificate). Secrets are not inlined: every one is a
  /// {"from_file": ...} reference to a file named <base>.<what> beside the config.
  milink::sdk::Value milink_config(const std::string& base) const;
  /// Writes milink_config() to \p file, and beside it the passwords, the
  /// client secret and certificate (mode 0600) and the CA (<file>.ca.pem),
  /// which azure.ca_file and both SQL targets' ca_file name.
  void write_config(const std::filesystem::path& file) const;
  /// Writes the CA that issued the HTTPS and TDS certificates (for --ca-out).
  void write_ca(const std::filesystem::path& file) const { azure_->write_ca(file); }

  /// The world (both servers), every statement each ran (statement_log),
  /// every request the Azure listeners answered (azure_requests: method,
  /// path, status, and for ARM the request body), and the listeners' ports,
  /// as JSON.
  milink::sdk::Value dump() const;

private:
  // Order matters: members are destroyed in reverse. The listeners go
  // first (their connections call into the engines and the Azure services),
  // then the engines, then the link simulator (engines call world.advance,
  // which it installed), the fault plan, and the world everything points into.
  EmulatorOptions options_;
  std::unique_ptr<EmulatorWorld> world_;
  FaultPlan faults_;
  std::unique_ptr<LinkSimulator> links_;
  std::unique_ptr<SqlEngine> sql_engine_;
  std::unique_ptr<SqlEngine> mi_engine_;
  std::unique_ptr<AzureEmulator> azure_;
  std::unique_ptr<TdsServer> sql_listener_;
  std::unique_ptr<TdsServer> mi_listener_;
  /// The scenario's secondary replicas (world().sql_replicas, same order)
  /// and the AG listener (on sql_engine_; null without one).
  std::vector<std::unique_ptr<SqlEngine>> replica_engines_;
  std::vector<std::unique_ptr<TdsServer>> replica_listeners_;
  std::unique_ptr<TdsServer> ag_listener_;
  ServicePrincipalCredentials principal_;
};

/// Parses "required" | "on" | "off" | "not_supported".
Encryption parse_encryption(const std::string& text);

}  // namespace milink::emulator
