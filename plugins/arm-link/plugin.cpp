#include "arm_link.hpp"
#include "link_databases.hpp"

#include <milink/sdk/plugin.hpp>

MILINK_PLUGIN("milink-arm-link", "1.0.0") {
  registrar.add_step<milink::link::ArmLink>();
  registrar.add_step<milink::link::LinkDatabasesStep>();
}
