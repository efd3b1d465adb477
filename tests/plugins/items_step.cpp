#include "test_steps.hpp"

namespace testplugin {

using milink::sdk::Value;

milink::sdk::StepSpec ItemsStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "test.items";
  s.summary = "Outputs the array it is given (to drive for_each from a step output)";
  s.params = {{"items", milink::sdk::ValueType::Array, true, Value(), "The items", false, {}}};
  s.outputs = {{"items", milink::sdk::ValueType::Array, "The same items", false}};
  return s;
}

ItemsStep::Config ItemsStep::configure(const milink::sdk::Params& p) {
  const Value& items = p.value("items");
  // A rule on the elements: a placeholder (Value::unknown) is not a string, so it passes.
  if (items.is_array())
    for (std::size_t i = 0; i < items.as_array().size(); ++i)
      if (items.as_array()[i].is_string() && items.as_array()[i].as_string().empty())
        throw milink::sdk::ConfigError("items", "item " + std::to_string(i) + " is an empty string");
  return Config{items};
}

milink::sdk::Observation ItemsStep::observe(const Config& c, milink::sdk::Context& ctx) {
  record_call("observe", ctx.step_key(), {});
  ctx.output("items", c.items);
  return milink::sdk::Observation::satisfied("nothing to change");
}

milink::sdk::Plan ItemsStep::plan(const Config&, milink::sdk::Context&) { return {}; }

void ItemsStep::apply(const Config& c, milink::sdk::Context& ctx) { ctx.output("items", c.items); }

}  // namespace testplugin
