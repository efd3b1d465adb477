#include "run/step_config_check.hpp"

#include "expr/values.hpp"
#include "run/config_check.hpp"
#include "run/redactor.hpp"

#include <milink/sdk/json.hpp>

#include <boost/algorithm/string/replace.hpp>

#include <functional>

namespace milink::run {

using milink::sdk::Object;
using milink::sdk::Value;
using milink::workflow::OnError;
using milink::workflow::StepDef;
using milink::workflow::ValidatedWorkflow;

namespace {

/// Whether \p message quotes one of \p params' placeholders ("<steps.x...>"):
/// a rule that spans parameters then judged a known value by one only the
/// run knows, which is the run's to decide.
bool quotes_placeholder(const std::string& message, const Object& params) {
  std::function<bool(const Value&)> quoted = [&](const Value& v) {
    if (v.is_unknown()) return message.find(v.to_display()) != std::string::npos;
    if (v.is_array())
      for (const auto& e : v.as_array())
        if (quoted(e)) return true;
    if (v.is_object())
      for (const auto& [k, e] : v.as_object())
        if (quoted(e)) return true;
    return false;
  };
  for (const auto& [name, v] : params)
    if (quoted(v)) return true;
  return false;
}

/// \p message with the known values of \p spec's secret parameters masked,
/// however short: a plugin may quote the value it refuses.
std::string mask_secrets(std::string message, const milink::sdk::StepSpec& spec, const Object& params) {
  for (const auto& p : spec.params) {
    const Value* v = params.find(p.name);
    if (p.secret && v != nullptr && v->is_string() && !v->as_string().empty())
      boost::algorithm::replace_all(message, v->as_string(), Redactor::kMask);
  }
  return message;
}

void check(const std::vector<StepDef>& steps, const ValidatedWorkflow& v, const milink::host::Registry& registry,
           bool tolerated, milink::workflow::Diagnostics& diags) {
  for (const auto& s : steps) {
    if (s.if_expr) continue;
    // on_error: continue lets the workflow go on past this step's failure,
    // a refusal included: the run decides it, as it always did.
    const bool failure_tolerated = tolerated || s.on_error == OnError::Continue;
    if (s.is_group()) {
      check(s.steps, v, registry, failure_tolerated, diags);
      continue;
    }
    if (failure_tolerated) continue;
    auto it = v.steps.find(s.pointer);
    if (it == v.steps.end()) continue;
    const milink::sdk::StepSpec& spec = it->second.factory->spec();
    Object params;
    bool complete = true;
    for (const auto& p : spec.params) {
      const Value* raw = s.with.find(p.name);
      Value given;
      if (raw != nullptr) {
        given = before_run_value(*raw, v);
      } else if (!p.fallback.is_null()) {
        given = p.fallback;
      } else {
        if (p.required) complete = false;  // the validator reports it
        continue;
      }
      // A known value of the wrong type is the runner's to report, as it does.
      if (!given.is_null() && !milink::expr::has_unknown(given) && !milink::sdk::value_matches(given, p.type))
        given = Value::unknown("value known when the step runs");
      params.set(p.name, std::move(given));
    }
    if (!complete) continue;
    milink::sdk::Status st;
    milink::host::StepHandle handle = registry.create_step(it->second, milink::sdk::Params(params), st);
    if (st.ok || st.field.empty()) continue;
    const Value* refused = params.find(st.field);
    if (refused == nullptr || milink::expr::has_unknown(*refused) || quotes_placeholder(st.message, params)) continue;
    const std::string who = "step \"" + (s.id.empty() ? s.uses : s.id) + "\" (" + s.uses + ")";
    diags.error(milink::sdk::json_pointer_join(milink::sdk::json_pointer_join(s.pointer, "with"), st.field),
                who + " refuses parameter \"" + st.field + "\": " + mask_secrets(st.message, spec, params),
                "fix the value (in the workflow, --set or the config's inputs) before the run; nothing has changed");
  }
}

}  // namespace

void check_step_configs(const ValidatedWorkflow& v, const milink::host::Registry& registry) {
  milink::workflow::Diagnostics diags(v.workflow->file, &v.workflow->map);
  check(v.workflow->steps, v, registry, /*tolerated=*/false, diags);
  if (!diags.empty()) throw milink::workflow::InvalidInput(diags.list());
}

}  // namespace milink::run
