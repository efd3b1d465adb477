#include "verify_link.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-verify", "1.0.0") { registrar.add_step<milink::link::VerifyLink>(); }
