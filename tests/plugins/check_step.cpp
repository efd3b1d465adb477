#include "test_steps.hpp"

namespace testplugin {

using milink::sdk::Object;
using milink::sdk::Value;

milink::sdk::StepSpec CheckStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "test.check";
  s.summary = "A preflight check that passes, or fails when asked to (for --skip-preflight tests)";
  s.doc = "observe() fails with a message when fail is true, and is satisfied otherwise; it never changes anything.";
  s.preflight = true;
  s.params = {
      {"what", milink::sdk::ValueType::String, false, Value("the prerequisites"), "What is checked, for messages",
       false, {}},
      {"fail", milink::sdk::ValueType::Boolean, false, Value(false),
       "Make observe() fail, as a missing prerequisite does", false, {}},
      {"blame", milink::sdk::ValueType::String, false, Value(""),
       "When failing, blame this parameter (observe() throws ConfigError(blame, ...))", false, {}},
  };
  s.outputs = {{"checked", milink::sdk::ValueType::String, "What was verified", false}};
  return s;
}

CheckStep::Config CheckStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.what = p.string("what");
  c.fail = p.boolean("fail");
  c.blame = p.string("blame");
  return c;
}

milink::sdk::Observation CheckStep::observe(const Config& c, milink::sdk::Context& ctx) {
  record_call("observe", ctx.step_key(), Object{{"what", Value(c.what)}, {"t", Value(now_ms())}});
  if (c.fail && !c.blame.empty())
    throw milink::sdk::ConfigError(c.blame, "prerequisite missing: " + c.what + " (fail: true)");
  if (c.fail) throw milink::sdk::StepError("prerequisite missing: " + c.what + " (fail: true)");
  ctx.output("checked", Value(c.what));
  return milink::sdk::Observation::satisfied(c.what + " verified");
}

milink::sdk::Plan CheckStep::plan(const Config& c, milink::sdk::Context&) {
  milink::sdk::Plan plan;
  plan.actions.push_back(milink::sdk::Action::note("checks", "check " + c.what + " (read-only)"));
  return plan;
}

void CheckStep::apply(const Config& c, milink::sdk::Context& ctx) {
  // observe() is satisfied or fails; apply() is never reached.
  throw milink::sdk::StepError("test.check changes nothing; apply() must not be called");
}

}  // namespace testplugin
