// fuzz_workflow: the workflow and config readers and the validator
// (framework/workflow). The input is a workflow file, optionally followed by
// a line "%%config" and a config file. Validation runs against the test
// plugin's steps (tests/plugins), registered in-process, so step parameters,
// outputs, providers and expressions are all checked. Bad input must end in
// InvalidInput (or another std::exception), never in a crash.
#include "plugin_host/loaded_plugin.hpp"
#include "plugin_host/registry.hpp"
#include "test_steps.hpp"
#include "workflow/config.hpp"
#include "workflow/validator.hpp"
#include "workflow/workflow_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>

namespace {

const milink::host::Registry& registry() {
  static milink::host::Registry reg = [] {
    milink::sdk::PluginRegistrar r;
    r.add_step<testplugin::RecordStep>();
    r.add_step<testplugin::ItemsStep>();
    r.add_step<testplugin::GreetStep>();
    r.add_step<testplugin::CheckStep>();
    r.add_step<testplugin::EraseStep>();
    r.add_provider<testplugin::PrefixProvider>();
    auto plugin = std::make_shared<milink::host::LoadedPlugin>();
    plugin->path = "fuzz-test-steps.so";
    plugin->steps = r.steps();
    plugin->providers = r.providers();
    milink::host::Registry out;
    out.add(plugin);
    return out;
  }();
  return reg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string workflow = text, config;
  const std::string marker = "\n%%config\n";
  if (std::size_t at = text.find(marker); at != std::string::npos) {
    workflow = text.substr(0, at);
    config = text.substr(at + marker.size());
  }
  try {
    auto wf = milink::workflow::parse_workflow_text(workflow, "fuzz.json");
    auto cfg = config.empty() ? milink::workflow::empty_config()
                              : milink::workflow::load_config_text(config, "fuzz-config.json");
    milink::workflow::validate(wf, cfg, registry(), {"name=fuzz"}, !config.empty());
  } catch (const std::exception&) {
  }
  return 0;
}
