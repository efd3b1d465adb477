//===- plugins/link-sync/first_backup.hpp - Step wait-first-backup ---*- C++ -*-===//
///
/// \file
/// `wait-first-backup`: after a failover to the managed instance, waits for
/// the service's first automatic full backup of the database there (a row
/// in the instance's msdb.dbo.backupset: type 'D', not copy-only). The
/// migration guide says not to remove the link before it exists: without
/// it the database may be unavailable after a restart. Reads only; gives up
/// after `timeout_seconds` with what the database's state suggests.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "link_ref.hpp"

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace milink::link {

class WaitFirstBackupStep {
public:
  struct Config {
    LinkRef link;  ///< database and instance_target only
    long long timeout_seconds = 1800;
    long long poll_interval_ms = 5000;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  /// The finish time of the database's first full backup on the instance, or nullopt.
  std::optional<std::string> first_backup(const Config& c, milink::sdk::Context& ctx);
  /// Why there is none yet, from the database's state on the instance.
  std::string why_none(const Config& c, milink::sdk::Context& ctx);
};

}  // namespace milink::link
