//===- expr/values.cpp - Value helpers shared by expr ---------------------===//

#include "values.hpp"

namespace milink::expr {

using milink::sdk::Kind;
using milink::sdk::Value;

std::string a_kind(Kind k) {
  switch (k) {
    case Kind::Null: return "null";
    case Kind::Int: return "an integer";
    case Kind::Array: return "an array";
    case Kind::Object: return "an object";
    case Kind::Unknown: return "an unknown";
    default: return std::string("a ") + milink::sdk::kind_name(k);
  }
}

bool has_unknown(const Value& v) {
  switch (v.kind()) {
    case Kind::Unknown: return true;
    case Kind::Array:
      for (const Value& e : v.as_array())
        if (has_unknown(e)) return true;
      return false;
    case Kind::Object:
      for (const auto& m : v.as_object())
        if (has_unknown(m.second)) return true;
      return false;
    default: return false;
  }
}

bool is_identifier(const std::string& s) {
  if (s.empty()) return false;
  auto start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!start(s[0])) return false;
  for (char c : s)
    if (!start(c) && !(c >= '0' && c <= '9') && c != '-') return false;
  return true;
}

std::string path_member(const std::string& path, const std::string& key) {
  if (is_identifier(key)) return path + "." + key;
  std::string out = path + "['";
  for (char c : key) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "']";
}

std::string path_index(const std::string& path, std::int64_t index) {
  return path + "[" + std::to_string(index) + "]";
}

}  // namespace milink::expr
