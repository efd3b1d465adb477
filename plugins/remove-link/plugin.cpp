#include "remove_dag.hpp"
#include "remove_link.hpp"
#include "remove_trust.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-remove-link", "1.0.0") {
  registrar.add_step<milink::link::RemoveLinkStep>();
  registrar.add_step<milink::link::RemoveDagStep>();
  registrar.add_step<milink::link::RemoveTrustStep>();
}
