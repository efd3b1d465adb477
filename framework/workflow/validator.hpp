//===- workflow/validator.hpp - Static checks before anything runs -*- C++ -*-===//
///
/// \file
/// Everything that can be checked without connecting anywhere is checked
/// here, and all problems are reported at once: unknown plugins, unknown or
/// missing parameters, type mismatches (of literals and of expressions whose
/// type is known statically), expression syntax, and references to
/// undeclared inputs, missing config entries, later steps, or outputs a
/// step does not declare. A workflow never runs with an unresolved reference.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "plugin_host/registry.hpp"
#include "workflow/config.hpp"
#include "workflow/diagnostics.hpp"
#include "workflow/model.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace milink::workflow {

/// A workflow that passed validation, bound to its plugins.
struct ValidatedWorkflow {
  const Workflow* workflow = nullptr;
  const Config* config = nullptr;
  milink::sdk::Object inputs;        ///< resolved input values
  std::vector<std::string> secrets;  ///< secret inputs and config secrets
  /// Plugin of every leaf step, by the step's JSON pointer.
  std::map<std::string, milink::host::Registry::StepEntry> steps;
  /// Plugin of every configured provider instance, by instance name.
  std::map<std::string, milink::host::Registry::ProviderEntry> providers;
  /// Without a config file (validate without -c): the config values the
  /// workflow reads ("sqlserver.fqdn", "databases", ...), sorted.
  std::set<std::string> config_needs;

  const milink::host::Registry::StepEntry& entry(const StepDef& s) const { return steps.at(s.pointer); }
};

/// Validates \p wf with \p cfg against the plugins in \p registry, applying
/// \p sets (--set NAME=VALUE). Throws InvalidInput with every diagnostic
/// (workflow and config) when anything is wrong. \p wf, \p cfg and
/// \p registry must outlive the result.
/// \p config_required: every config.* reference must resolve in \p cfg
/// (run and plan); when false and no config file was given, references
/// are only checked against the config schema (validate without -c).
ValidatedWorkflow validate(const Workflow& wf, const Config& cfg, const milink::host::Registry& registry,
                           const std::vector<std::string>& sets, bool config_required = false);

}  // namespace milink::workflow
