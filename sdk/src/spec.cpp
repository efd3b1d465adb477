#include <milink/sdk/spec.hpp>

#include <algorithm>
#include <set>

namespace milink::sdk {

const char* value_type_name(ValueType t) noexcept {
  switch (t) {
    case ValueType::String: return "string";
    case ValueType::Integer: return "integer";
    case ValueType::Number: return "number";
    case ValueType::Boolean: return "boolean";
    case ValueType::Array: return "array";
    case ValueType::Object: return "object";
    case ValueType::Any: return "any";
  }
  return "?";
}

std::optional<ValueType> parse_value_type(const std::string& name) noexcept {
  for (ValueType t : {ValueType::String, ValueType::Integer, ValueType::Number, ValueType::Boolean,
                      ValueType::Array, ValueType::Object, ValueType::Any})
    if (name == value_type_name(t)) return t;
  return std::nullopt;
}

bool value_matches(const Value& v, ValueType t) noexcept {
  if (v.is_unknown()) return true;
  switch (t) {
    case ValueType::String: return v.is_string();
    case ValueType::Integer: return v.is_int();
    case ValueType::Number: return v.is_number();
    case ValueType::Boolean: return v.is_bool();
    case ValueType::Array: return v.is_array();
    case ValueType::Object: return v.is_object();
    case ValueType::Any: return true;
  }
  return false;
}

const ParamSpec* StepSpec::param(const std::string& n) const {
  for (const auto& p : params)
    if (p.name == n) return &p;
  return nullptr;
}

const OutputSpec* StepSpec::output(const std::string& n) const {
  for (const auto& o : outputs)
    if (o.name == n) return &o;
  return nullptr;
}

const ParamSpec* ProviderSpec::param(const std::string& n) const {
  for (const auto& p : params)
    if (p.name == n) return &p;
  return nullptr;
}

bool is_valid_plugin_name(const std::string& name) noexcept {
  if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) return false;
  return true;
}

bool is_snake_case(const std::string& name) noexcept {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

namespace {

std::string check_params(const std::vector<ParamSpec>& params) {
  std::set<std::string> seen;
  for (const auto& p : params) {
    if (!is_snake_case(p.name)) return "parameter name '" + p.name + "' is not snake_case";
    if (!seen.insert(p.name).second) return "parameter '" + p.name + "' is declared twice";
    if (!p.fallback.is_null() && !value_matches(p.fallback, p.type))
      return "parameter '" + p.name + "' has a default of type " + kind_name(p.fallback.kind()) +
             " but is declared " + value_type_name(p.type);
    if (p.required && !p.fallback.is_null())
      return "parameter '" + p.name + "' is required and also has a default; choose one";
    if (!p.choices.empty() && p.type != ValueType::String)
      return "parameter '" + p.name + "' has choices but is not a string";
    if (!p.choices.empty() && p.fallback.is_string() &&
        std::find(p.choices.begin(), p.choices.end(), p.fallback.as_string()) == p.choices.end())
      return "parameter '" + p.name + "' defaults to \"" + p.fallback.as_string() + "\", which is not one of its choices";
  }
  return {};
}

}  // namespace

std::string check_spec(const StepSpec& spec) {
  if (!is_valid_plugin_name(spec.uses))
    return "step name '" + spec.uses +
           "' is invalid: use lowercase letters, digits, '-', '.' or '_', starting with a letter";
  if (spec.summary.empty()) return "step '" + spec.uses + "' has no summary";
  if (auto e = check_params(spec.params); !e.empty()) return "step '" + spec.uses + "': " + e;
  std::set<std::string> seen;
  for (const auto& o : spec.outputs) {
    if (!is_snake_case(o.name)) return "step '" + spec.uses + "': output name '" + o.name + "' is not snake_case";
    if (!seen.insert(o.name).second) return "step '" + spec.uses + "': output '" + o.name + "' is declared twice";
  }
  for (const auto& t : spec.sql_targets) {
    const ParamSpec* p = spec.param(t.param);
    if (p == nullptr || p->type != ValueType::String)
      return "step '" + spec.uses + "': sql_targets names '" + t.param + "', which is not a string parameter";
    if (!t.when_param.empty() && spec.param(t.when_param) == nullptr)
      return "step '" + spec.uses + "': sql_targets' condition names '" + t.when_param + "', which is not a parameter";
  }
  return {};
}

std::string check_spec(const ProviderSpec& spec) {
  if (!is_snake_case(spec.kind) && !is_valid_plugin_name(spec.kind))
    return "provider kind '" + spec.kind + "' is invalid";
  if (!is_valid_plugin_name(spec.name))
    return "provider name '" + spec.name +
           "' is invalid: use lowercase letters, digits, '-', '.' or '_', starting with a letter";
  if (spec.summary.empty()) return "provider '" + spec.name + "' has no summary";
  if (auto e = check_params(spec.params); !e.empty()) return "provider '" + spec.name + "': " + e;
  return {};
}

}  // namespace milink::sdk
