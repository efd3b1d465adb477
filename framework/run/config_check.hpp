//===- run/config_check.hpp - What a workflow needs from its config -*- C++ -*-===//
///
/// \file
/// The config sections a workflow's steps use, from their specs
/// (StepSpec::arm, StepSpec::sql_targets), and the check that the config
/// provides them: the azure section and the credential provider it names
/// (by `milink run` started, so that its own checks run), and the connection
/// settings of every SQL target. `milink validate -c` and `milink run` run
/// it before anything connects, so a missing or wrong section stops the
/// run before its first change instead of half-way through; `milink
/// validate` without a config lists what a config must provide.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "plugin_host/registry.hpp"
#include "run/redactor.hpp"
#include "workflow/validator.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace milink::run {

/// What a parameter's \p raw value (as the workflow writes it) is before the
/// run: literals as they are, and expressions that read only inputs and
/// (with a config file) config evaluated, at any depth of arrays and
/// objects; what only the run can tell (step outputs, loop variables, an
/// expression that fails) is a Value::unknown placeholder, as offline plans
/// show it. Text that mixes a placeholder in is one placeholder as a whole.
milink::sdk::Value before_run_value(const milink::sdk::Value& raw, const milink::workflow::ValidatedWorkflow& v);

/// The value parameter \p name of step \p s (whose spec is \p spec) will
/// have, when it is known before the run: a literal, the default, or an
/// expression that reads only inputs and (with a config file) config
/// (before_run_value holding no placeholder). nullopt when only the run can
/// tell (step outputs, loop variables).
std::optional<milink::sdk::Value> known_param(const milink::workflow::StepDef& s, const milink::sdk::StepSpec& spec,
                                              const std::string& name, const milink::workflow::ValidatedWorkflow& v);

/// What the steps of a workflow use of a config.
struct ConfigRequirements {
  /// A step that calls Azure Resource Manager ("preflight (preflight)"), or
  /// empty when none does.
  std::string arm_step;
  /// SQL target (config section) -> the first step that connects to it and
  /// the parameter naming it: "network-check (network-check, mi_target)".
  std::map<std::string, std::string> sql_targets;

  /// One line per requirement, for `milink validate` without a config.
  std::vector<std::string> describe() const;
};

/// The requirements of \p v's steps. A target named by an expression is
/// included when the expression reads only inputs and config; a
/// conditional use (SqlTargetUse::when_param) when its condition holds or
/// cannot be decided before the run.
ConfigRequirements config_requirements(const milink::workflow::ValidatedWorkflow& v);

/// Checks that \p v's config provides \p needs. Throws
/// milink::workflow::InvalidInput naming the config file, the field (JSON
/// pointer) and what to do for every problem. Connects nowhere. With
/// \p start_credential (`milink run`), also starts the credential provider
/// azure.credential names, which reads its files and environment variables
/// but makes no request, and discards it; without (`milink validate`, which
/// may run on another machine than the run), only checks that it names a
/// credential provider.
void check_config_requirements(const milink::workflow::ValidatedWorkflow& v, const ConfigRequirements& needs,
                               const milink::host::Registry& registry, Redactor& redactor, bool start_credential);

}  // namespace milink::run
