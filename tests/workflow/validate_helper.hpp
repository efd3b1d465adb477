#pragma once

#include "plugin_host/registry.hpp"
#include "test_support.hpp"
#include "workflow/config.hpp"
#include "workflow/validator.hpp"
#include "workflow/workflow_parser.hpp"

#include <string>
#include <vector>

/// The test plugins, loaded once per test executable.
inline const milink::host::Registry& test_registry() {
  static milink::host::Registry reg = [] {
    milink::host::Registry r;
    r.load_directory(testsupport::test_plugin_dir());
    return r;
  }();
  return reg;
}

/// Validates \p workflow_text (and an optional config text); returns every
/// diagnostic formatted, or an empty list when valid.
inline std::vector<std::string> problems(const std::string& workflow_text, const std::string& config_text = "",
                                         const std::vector<std::string>& sets = {}) {
  std::vector<std::string> out;
  try {
    auto wf = milink::workflow::parse_workflow_text(workflow_text, "wf.json");
    auto cfg = config_text.empty() ? milink::workflow::empty_config()
                                   : milink::workflow::load_config_text(config_text, "cfg.json");
    milink::workflow::validate(wf, cfg, test_registry(), sets);
  } catch (const milink::workflow::InvalidInput& e) {
    for (const auto& d : e.diagnostics()) out.push_back(d.format());
  }
  return out;
}
