//===- src/log_backup_check.hpp - Step acme.log-backup-check -*- C++ -*-===//
///
/// \file
/// The step class milink calls through the SDK's StepAdapter: spec and
/// configure (config.hpp), observe (read, decide), plan (the statements,
/// rendered for review) and apply (run the missing pieces, read again).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "config.hpp"
#include "decision.hpp"
#include "observed.hpp"

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <vector>

namespace acme {

class LogBackupCheck {
public:
  using Config = acme::Config;

  static milink::sdk::StepSpec spec() { return step_spec(); }
  static Config configure(const milink::sdk::Params& p) { return configure_step(p); }

  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  /// Reads and decides; reports the warnings; throws StepError for Fail.
  Decision judge(const Config& c, milink::sdk::Context& ctx, Observed& o);
  void set_outputs(const Decision& d, const Observed& o, milink::sdk::Context& ctx);
  void warn_once(const std::string& warning, milink::sdk::Context& ctx);

  std::optional<Decision> observed_;  ///< from observe(), for plan() under --dry-run
  std::vector<std::string> warned_;   ///< warnings already given in this execution
};

}  // namespace acme
