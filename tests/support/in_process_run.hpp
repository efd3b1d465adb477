//===- tests/support/in_process_run.hpp - Keeps every run event ---*- C++ -*-===//
#pragma once

#include "plugin_host/registry.hpp"
#include "run/events.hpp"
#include "run/redactor.hpp"
#include "run/runner.hpp"
#include "workflow/config.hpp"
#include "workflow/validator.hpp"
#include "workflow/workflow_parser.hpp"

#include <milink/sdk/value.hpp>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace testsupport {

/// An EventSink for in-process runs: every event, and all of them as JSON
/// lines (for "appears nowhere" checks). Thread-safe like any sink.
class CapturingSink final : public milink::run::EventSink {
public:
  void on_event(const milink::sdk::Object& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    events.push_back(event);
    all += milink::sdk::Value(event).to_json() + "\n";
  }
  std::vector<milink::sdk::Object> events;
  std::string all;

private:
  std::mutex mu_;
};

/// Validates \p workflow and \p config (written as wf.json / config.json in
/// \p dir for messages) against \p registry, with config values required as
/// `milink run` requires them, and runs it once in \p mode, journaling into
/// \p dir/.milink.
inline milink::run::RunResult run_in_process(const milink::host::Registry& registry, const milink::sdk::Object& workflow,
                                             const milink::sdk::Object& config, const std::filesystem::path& dir,
                                             milink::run::Mode mode, milink::run::EventSink& sink) {
  namespace wf = milink::workflow;
  wf::Workflow w = wf::parse_workflow_text(milink::sdk::Value(workflow).to_json(), (dir / "wf.json").string());
  wf::Config c = wf::load_config_text(milink::sdk::Value(config).to_json(), (dir / "config.json").string());
  wf::ValidatedWorkflow v = wf::validate(w, c, registry, {}, true);
  milink::run::Redactor redactor;
  milink::run::RunOptions opts;
  opts.mode = mode;
  opts.state_dir = dir / ".milink";
  milink::run::Runner runner(v, registry, redactor, sink, opts);
  return runner.run();
}

}  // namespace testsupport
