// milink-network-check: the documented two-way network test, as one step.
#include "step.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-network-check", "1.0.0") { registrar.add_step<milink::netcheck::NetworkCheckStep>(); }
