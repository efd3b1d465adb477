//===- run/step_config_check.hpp - Steps configured before the run -*- C++ -*-===//
///
/// \file
/// Every step's plugin parses its `with` into a typed config when the step
/// is reached (StepFactory::create). A rule that spans parameters (arm-link's
/// link_mode needs an api_version that has linkMode) can only be checked
/// there, so a value that breaks it used to stop the run at that step, after
/// earlier steps had changed things. This check configures every step once
/// before the run, with what is known then: literals, defaults and
/// expressions that read only inputs and config; what only the run knows
/// (step outputs, loop variables) is passed as Value::unknown, as offline
/// plans do. A refusal is reported when the parameter it names had a known
/// value; refusals of unknown values wait for the run, which has them.
/// `milink run`, `plan` and `validate` run it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "plugin_host/registry.hpp"
#include "workflow/validator.hpp"

namespace milink::run {

/// Configures every step of \p v (not those behind an `if:`, whose parameters
/// may be meant only for the case that runs them) and throws
/// milink::workflow::InvalidInput naming the workflow file, the parameter
/// (/steps/N/with/NAME), the step and the plugin's message for every
/// refusal of a known value. Connects nowhere; creates no state.
void check_step_configs(const milink::workflow::ValidatedWorkflow& v, const milink::host::Registry& registry);

}  // namespace milink::run
