#include "availability_group.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-ag", "1.0.0") { registrar.add_step<milink::link::AvailabilityGroupStep>(); }
