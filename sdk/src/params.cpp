#include <milink/sdk/params.hpp>

namespace milink::sdk {

namespace {
[[noreturn]] void wrong(const std::string& name, const char* wanted, const Value& v) {
  if (v.is_unknown())
    throw ConfigError(name, "'" + name + "' depends on " + v.to_display() + ", which is only known at run time");
  throw ConfigError(name, "'" + name + "' must be " + wanted + ", got " + kind_name(v.kind()));
}
}  // namespace

bool Params::has(const std::string& name) const {
  const Value* v = values_.find(name);
  return v != nullptr && !v->is_null();
}

const Value& Params::value(const std::string& name) const {
  const Value* v = values_.find(name);
  if (v == nullptr) throw ConfigError(name, "'" + name + "' is not set");
  return *v;
}

std::string Params::string(const std::string& name) const {
  const Value& v = value(name);
  if (v.is_unknown()) return v.to_display();  // plans show the placeholder
  if (!v.is_string()) wrong(name, "a string", v);
  return v.as_string();
}

std::int64_t Params::integer(const std::string& name) const {
  const Value& v = value(name);
  if (!v.is_int()) wrong(name, "an integer", v);
  return v.as_int();
}

double Params::number(const std::string& name) const {
  const Value& v = value(name);
  if (!v.is_number()) wrong(name, "a number", v);
  return v.as_double();
}

bool Params::boolean(const std::string& name) const {
  const Value& v = value(name);
  if (!v.is_bool()) wrong(name, "a boolean", v);
  return v.as_bool();
}

std::vector<std::string> Params::strings(const std::string& name) const {
  const Value& v = value(name);
  if (!v.is_array()) wrong(name, "an array of strings", v);
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) {
    if (!e.is_string()) wrong(name, "an array of strings", e);
    out.push_back(e.as_string());
  }
  return out;
}

std::optional<std::string> Params::optional_string(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  return string(name);
}

std::optional<std::int64_t> Params::optional_integer(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  return integer(name);
}

}  // namespace milink::sdk
