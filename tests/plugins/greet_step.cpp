#include "test_steps.hpp"

namespace testplugin {

using milink::sdk::Value;

milink::sdk::StepSpec GreetStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "test.greet";
  s.summary = "Greets through a test-greeting provider (exercises providers)";
  s.params = {{"provider", milink::sdk::ValueType::String, false, Value("test.prefixer"),
               "Provider instance (config providers.<name>) or provider name", false, {}},
              {"name", milink::sdk::ValueType::String, true, Value(), "Who to greet", false, {}}};
  s.outputs = {{"greeting", milink::sdk::ValueType::String, "The greeting", false}};
  return s;
}

GreetStep::Config GreetStep::configure(const milink::sdk::Params& p) {
  return Config{p.string("provider"), p.string("name")};
}

milink::sdk::Observation GreetStep::observe(const Config& c, milink::sdk::Context& ctx) {
  return milink::sdk::Observation::needs_change("greetings are always new");
}

milink::sdk::Plan GreetStep::plan(const Config& c, milink::sdk::Context&) {
  milink::sdk::Plan p;
  p.actions.push_back(milink::sdk::Action::note("console", "greet " + c.name + " via " + c.provider));
  return p;
}

void GreetStep::apply(const Config& c, milink::sdk::Context& ctx) {
  auto& prefixer = ctx.provider<Prefixer>("test-greeting", c.provider);
  ctx.output("greeting", Value(prefixer.greet(c.name)));
}

milink::sdk::ProviderSpec PrefixProvider::spec() {
  milink::sdk::ProviderSpec s;
  s.kind = "test-greeting";
  s.name = "test.prefixer";
  s.summary = "Greets with a configurable prefix";
  s.params = {{"prefix", milink::sdk::ValueType::String, false, Value("hello"), "The greeting word", false, {}}};
  return s;
}

std::unique_ptr<PrefixProvider> PrefixProvider::create(const milink::sdk::Params& p) {
  return std::make_unique<PrefixProvider>(p.string("prefix"));
}

}  // namespace testplugin
