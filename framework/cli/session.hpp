//===- cli/session.hpp - What every command loads ---------------*- C++ -*-===//
#pragma once

#include "plugin_host/registry.hpp"
#include "run/redactor.hpp"
#include "workflow/config.hpp"
#include "workflow/model.hpp"
#include "workflow/validator.hpp"
#include "workflow/workflow_parser.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace milink::cli {

/// Options shared by the commands that read a workflow.
struct CommonOptions {
  std::vector<std::string> plugin_paths;
  std::string workflow;
  std::string config;
  std::vector<std::string> sets;
  bool json = false;  ///< --output json
  /// config.* references must resolve (run, plan); validate without -c
  /// checks them against the schema only.
  bool config_required = true;
  /// The config's secrets are read (run, plan, validate), or left unread
  /// (plan --offline, which uses none) as "<secret from ...>" text.
  milink::workflow::SecretReading secrets = milink::workflow::SecretReading::Read;
};

/// Loaded plugins, workflow and config, validated. Members are declared in
/// dependency order: the registry (which keeps plugin libraries mapped) is
/// first, so it is destroyed last. Order matters.
struct Session {
  milink::host::Registry registry;
  milink::workflow::Workflow workflow;
  milink::workflow::Config config;
  milink::workflow::ValidatedWorkflow validated;
  milink::run::Redactor redactor;
};

/// Loads the plugins from the search path. Prints the error and returns
/// false when a plugin cannot be loaded.
bool load_plugins(milink::host::Registry& registry, const std::vector<std::string>& plugin_paths, bool json);

/// Loads everything and validates. On failure prints every diagnostic
/// (stderr, and a JSON event on stdout with --output json) and returns null.
std::unique_ptr<Session> open_session(const CommonOptions& opts);

/// Prints every diagnostic of \p e (stderr, and a JSON event on stdout
/// with --output json), ending with "nothing was run".
void report_invalid(const milink::workflow::InvalidInput& e, bool json, const milink::run::Redactor& redactor);

/// The config sections \p session's workflow needs (run/config_check.hpp),
/// checked before anything connects, then every step configured with what
/// is known before the run (check_step_configs); prints the problems and
/// returns false. \p start_credential: `milink run` (see check_config_requirements).
bool check_config(Session& session, bool json, bool start_credential);

/// Every step of \p session's workflow configured with what is known before
/// the run (run/step_config_check.hpp); prints the refusals and returns false.
bool check_step_configs(Session& session, bool json);

/// Prints an error line to stderr ("milink: error: ...") and, with json, an
/// {"event":"error"} line to stdout.
void report_error(const std::string& message, bool json, const milink::run::Redactor* redactor = nullptr);

}  // namespace milink::cli
