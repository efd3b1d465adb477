#include "distributed_availability_group.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-dag", "1.0.0") { registrar.add_step<milink::link::DistributedAvailabilityGroupStep>(); }
