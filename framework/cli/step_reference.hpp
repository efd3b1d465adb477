//===- cli/step_reference.hpp - A step's spec as a Markdown section -*- C++ -*-===//
///
/// \file
/// `milink plugins describe NAME --output markdown`: the reference section
/// docs/bundled-steps.md is generated from (docs/update-reference.sh), so
/// the documentation is the plugins' own specs and cannot drift.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/spec.hpp>

#include <string>

namespace milink::cli {

/// What \p spec needs from the config (StepSpec::sql_targets, StepSpec::arm)
/// as one sentence in Markdown, or "" when nothing.
std::string config_needs_text(const milink::sdk::StepSpec& spec);

/// "### `uses`", the summary and doc, then tables of parameters and outputs.
std::string step_markdown(const milink::sdk::StepSpec& spec, const std::string& plugin_name,
                          const std::string& plugin_version);

}  // namespace milink::cli
