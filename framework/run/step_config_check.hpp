//===- run/step_config_check.hpp - Steps configured before the run -*- C++ -*-===//
///
/// \file
/// Every step's plugin parses its `with` into a typed config when the step
/// is reached (StepFactory::create). A rule that spans parameters (arm-link's
/// link_mode needs an api_version that has linkMode) can only be checked
/// there, so a value that breaks it used to stop the run at that step, after
/// earlier steps had changed things. This check configures every step once
/// before the run, with what is known then (before_run_value: literals,
/// defaults and expressions that read only inputs and config, at any depth);
/// what only the run knows (step outputs, loop variables, text mixing one
/// in) is passed as Value::unknown, as offline plans do. A refusal is
/// reported when the parameter it names had a fully known value and the
/// message quotes none of the step's placeholders; the others wait for the
/// run, which has the values. `milink run` (also --resume), `plan` (also
/// --offline) and `validate` run it; each reports a refusal with exit code 2.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "plugin_host/registry.hpp"
#include "workflow/validator.hpp"

namespace milink::run {

/// Configures every step of \p v (not those behind an `if:`, whose parameters
/// may be meant only for the case that runs them, nor those whose failure
/// `on_error: continue`, theirs or a group's, lets the workflow go on) and
/// throws milink::workflow::InvalidInput naming the workflow file, the
/// parameter (/steps/N/with/NAME), the step and the plugin's message for
/// every refusal of a known value, with the known values of the step's
/// secret parameters masked however short. Connects nowhere; creates no
/// state (plugins' configure must have no side effects).
void check_step_configs(const milink::workflow::ValidatedWorkflow& v, const milink::host::Registry& registry);

}  // namespace milink::run
