#include "test_steps.hpp"

MILINK_PLUGIN("milink-test-steps", "1.0.0") {
  registrar.add_step<testplugin::RecordStep>();
  registrar.add_step<testplugin::ItemsStep>();
  registrar.add_step<testplugin::GreetStep>();
  registrar.add_step<testplugin::CheckStep>();
  registrar.add_step<testplugin::EraseStep>();
  registrar.add_provider<testplugin::PrefixProvider>();
}
