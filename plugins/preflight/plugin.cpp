// milink-preflight: the prerequisite checks, as one plugin with one step.
#include "step.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-preflight", "1.0.0") { registrar.add_step<milink::preflight::PreflightStep>(); }
