#include "mirroring_endpoint.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-mirroring-endpoint", "1.0.0") { registrar.add_step<milink::link::MirroringEndpoint>(); }
