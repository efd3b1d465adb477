#include "run/step_config_check.hpp"

#include "run/config_check.hpp"

#include <milink/sdk/json.hpp>

namespace milink::run {

using milink::sdk::Object;
using milink::sdk::Value;
using milink::workflow::StepDef;
using milink::workflow::ValidatedWorkflow;

namespace {

void check(const std::vector<StepDef>& steps, const ValidatedWorkflow& v, const milink::host::Registry& registry,
           milink::workflow::Diagnostics& diags) {
  for (const auto& s : steps) {
    if (s.if_expr) continue;
    if (s.is_group()) {
      check(s.steps, v, registry, diags);
      continue;
    }
    auto it = v.steps.find(s.pointer);
    if (it == v.steps.end()) continue;
    const milink::sdk::StepSpec& spec = it->second.factory->spec();
    Object params;
    bool complete = true;
    for (const auto& p : spec.params) {
      std::optional<Value> known = known_param(s, spec, p.name, v);
      if (known && (known->is_null() || milink::sdk::value_matches(*known, p.type))) {
        params.set(p.name, std::move(*known));
      } else if (const Value* raw = s.with.find(p.name)) {
        // As offline plans show it: plugins recognise "<...>" placeholders.
        params.set(p.name, Value::unknown(raw->is_string() ? raw->as_string() : std::string("value known when the step runs")));
      } else if (p.required) {
        complete = false;  // the validator reports it
      }
    }
    if (!complete) continue;
    milink::sdk::Status st;
    milink::host::StepHandle handle = registry.create_step(it->second, milink::sdk::Params(params), st);
    if (st.ok || st.field.empty()) continue;
    const Value* given = params.find(st.field);
    if (given == nullptr || given->is_unknown()) continue;
    const std::string who = "step \"" + (s.id.empty() ? s.uses : s.id) + "\" (" + s.uses + ")";
    diags.error(milink::sdk::json_pointer_join(milink::sdk::json_pointer_join(s.pointer, "with"), st.field),
                who + " refuses parameter \"" + st.field + "\": " + st.message,
                "fix the value (in the workflow, --set or the config's inputs) before the run; nothing has changed");
  }
}

}  // namespace

void check_step_configs(const ValidatedWorkflow& v, const milink::host::Registry& registry) {
  milink::workflow::Diagnostics diags(v.workflow->file, &v.workflow->map);
  check(v.workflow->steps, v, registry, diags);
  if (!diags.empty()) throw milink::workflow::InvalidInput(diags.list());
}

}  // namespace milink::run
