#include "run/param_resolver.hpp"

#include <cstdlib>

namespace milink::run {

using milink::expr::Template;
using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

Value map_strings(const Value& v, const std::function<Value(const std::string&)>& f) {
  if (v.is_string()) return f(v.as_string());
  if (v.is_array()) {
    Array out;
    for (const auto& e : v.as_array()) out.push_back(map_strings(e, f));
    return Value(std::move(out));
  }
  if (v.is_object()) {
    Object out;
    for (const auto& [k, e] : v.as_object()) out.set(k, map_strings(e, f));
    return Value(std::move(out));
  }
  return v;
}

Value evaluate_deep(const Value& v, const milink::expr::Scope& scope) {
  return map_strings(v, [&](const std::string& s) {
    return Template::contains_expression(s) ? Template::parse(s).evaluate(scope) : Value(s);
  });
}

namespace {
bool path_reaches_unknown(const std::vector<std::string>& path, const milink::expr::Scope& scope) {
  const Value* v = scope.find(path[0]);
  for (std::size_t i = 1; v != nullptr && i < path.size(); ++i) {
    if (v->is_unknown()) return true;
    if (v->is_object()) {
      v = v->get(path[i]);
    } else if (v->is_array()) {
      char* end = nullptr;
      unsigned long idx = std::strtoul(path[i].c_str(), &end, 10);
      v = (end && *end == '\0' && idx < v->as_array().size()) ? &v->as_array()[idx] : nullptr;
    } else {
      return false;
    }
  }
  return v != nullptr && v->is_unknown();
}
}  // namespace

bool depends_on_unknown(const Value& v, const milink::expr::Scope& scope) {
  if (v.is_string()) {
    if (!Template::contains_expression(v.as_string())) return false;
    for (const auto& r : Template::parse(v.as_string()).references())
      if (!r.path.empty() && path_reaches_unknown(r.path, scope)) return true;
    return false;
  }
  if (v.is_array()) {
    for (const auto& e : v.as_array())
      if (depends_on_unknown(e, scope)) return true;
  }
  if (v.is_object()) {
    for (const auto& [k, e] : v.as_object())
      if (depends_on_unknown(e, scope)) return true;
  }
  return v.is_unknown();
}

bool resolve_params(const Object& with, const std::vector<milink::sdk::ParamSpec>& specs,
                    const milink::expr::Scope& scope, Redactor& redactor, Object& out, std::string& field,
                    std::string& error) {
  for (const auto& spec : specs) {
    const Value* raw = with.find(spec.name);
    Value v;
    if (raw != nullptr) {
      try {
        v = evaluate_deep(*raw, scope);
      } catch (const milink::expr::ExprError& e) {
        field = spec.name;
        error = "parameter \"" + spec.name + "\": " + e.what();
        return false;
      }
    } else if (!spec.fallback.is_null()) {
      v = spec.fallback;
    } else if (spec.required) {
      field = spec.name;
      error = "missing required parameter \"" + spec.name + "\"";
      return false;
    } else {
      continue;
    }
    if (spec.secret && v.is_string()) redactor.add(v.as_string());
    if (!v.is_null() && !milink::sdk::value_matches(v, spec.type)) {
      field = spec.name;
      error = "parameter \"" + spec.name + "\" must be " + milink::sdk::value_type_name(spec.type) + ", but " +
              (raw ? "its expression gave " : "its default is ") + kind_name(v.kind());
      return false;
    }
    if (!spec.choices.empty() && v.is_string()) {
      bool ok = false;
      for (const auto& c : spec.choices) ok = ok || c == v.as_string();
      if (!ok) {
        field = spec.name;
        std::string list;
        for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        error = "parameter \"" + spec.name + "\" is \"" + v.as_string() + "\"; it must be one of: " + list;
        return false;
      }
    }
    out.set(spec.name, std::move(v));
  }
  return true;
}

}  // namespace milink::run
