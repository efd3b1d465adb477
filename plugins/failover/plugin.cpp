#include "cutover_state.hpp"
#include "failover.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-failover", "1.0.0") {
  registrar.add_step<milink::link::FailoverStep>();
  registrar.add_step<milink::link::CutoverStateStep>();
}
