//===- workflow/inputs.hpp - Input values: defaults, config, --set -*- C++ -*-===//
#pragma once

#include "workflow/config.hpp"
#include "workflow/diagnostics.hpp"
#include "workflow/model.hpp"

#include <string>
#include <vector>

namespace milink::workflow {

/// The value of every declared input: `--set` overrides the config's
/// `inputs`, which override the workflow's defaults. A `--set` value is
/// taken as text for string inputs and parsed as JSON otherwise.
/// Reports (into \p diags, located in the workflow) undeclared names,
/// missing required inputs and type mismatches. \p secrets receives the
/// values of secret inputs.
milink::sdk::Object resolve_inputs(const Workflow& wf, const Config& cfg, const std::vector<std::string>& sets,
                                   Diagnostics& diags, std::vector<std::string>& secrets);

}  // namespace milink::workflow
