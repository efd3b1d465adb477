#include "test_steps.hpp"

#include <filesystem>

namespace testplugin {

using milink::sdk::Value;
namespace fs = std::filesystem;

milink::sdk::StepSpec EraseStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "test.erase";
  s.summary = "Deletes a file (a destructive step, for tests)";
  s.destructive = true;
  s.params = {
      {"path", milink::sdk::ValueType::String, true, Value(), "The file to delete", false, {}},
      {"hide_in_dry_run", milink::sdk::ValueType::Boolean, false, Value(false),
       "Say nothing is to be deleted in read-only runs", false, {}},
  };
  return s;
}

EraseStep::Config EraseStep::configure(const milink::sdk::Params& p) {
  return Config{p.string("path"), p.boolean("hide_in_dry_run")};
}

milink::sdk::Observation EraseStep::observe(const Config& c, milink::sdk::Context& ctx) {
  record_call("observe", ctx.step_key(), {});
  if (!fs::exists(c.path) || (c.hide_in_dry_run && ctx.read_only()))
    return milink::sdk::Observation::satisfied("no file " + c.path);
  return milink::sdk::Observation::needs_change("file " + c.path + " exists");
}

milink::sdk::Plan EraseStep::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan p;
  p.actions.push_back(milink::sdk::Action::note("files", "delete file " + c.path).marked_destructive());
  return p;
}

void EraseStep::apply(const Config& c, milink::sdk::Context& ctx) {
  record_call("apply_start", ctx.step_key(), {});
  fs::remove(c.path);
}

}  // namespace testplugin
