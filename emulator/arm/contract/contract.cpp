#include "arm/contract/contract.hpp"

#include "http/encoding.hpp"

#include <cstdint>
#include <set>

namespace milink::emulator::arm {

using milink::sdk::Object;
using milink::sdk::SourceMap;
using milink::sdk::Value;

namespace {

const char* kPrefix = "The request content was invalid and could not be deserialized: '";

std::string dotnet_type(FieldType t) {
  switch (t) {
    case FieldType::Int32: return "System.Int32";
    case FieldType::Boolean: return "System.Boolean";
    default: return "System.String";
  }
}

std::string render_value(const Value& v) { return v.is_string() ? "\"" + v.as_string() + "\"" : v.to_json(); }

std::string where(const SourceMap& map, const std::string& ptr, const std::string& path) {
  milink::sdk::SourceLocation loc = map.locate(ptr);
  return "Path '" + path + "', line " + std::to_string(loc.line) + ", position " + std::to_string(loc.column) + ".";
}

/// The members a top-level ARM resource body may carry besides its schema's (ResourceDefinition).
bool envelope_member(const std::string& key) {
  static const char* members[] = {"id",    "name",     "type",      "location",         "properties", "tags",
                                  "sku",   "plan",     "kind",      "identity",         "zones",      "managedBy",
                                  "etag",  "extendedLocation", "systemData", "scale"};
  for (const char* m : members)
    if (http::iequals(m, key)) return true;
  return false;
}

struct Checker {
  const SourceMap& map;

  BodyIssue issue(BodyIssue::Kind kind, const std::string& path, const std::string& member, const std::string& text,
                  const std::string& ptr) const {
    return BodyIssue{kind, member, path, kPrefix + text + " " + where(map, ptr, path) + "'."};
  }

  static std::string last_member(const std::string& path) {
    std::size_t dot = path.find_last_of(".[");
    return dot == std::string::npos ? path : path.substr(dot + 1);
  }

  std::optional<BodyIssue> object(const std::string& type_name, const std::vector<Field>& fields, const Value& value,
                                  const std::string& ptr, const std::string& path, bool envelope) const {
    if (!value.is_object())
      return issue(BodyIssue::Kind::WrongType, path, last_member(path),
                   "Error converting value " + render_value(value) + " to type '" + type_name + "'.", ptr);
    for (const auto& [key, child] : value.as_object()) {
      const Field* f = nullptr;
      for (const auto& candidate : fields)
        if (http::iequals(candidate.name, key)) f = &candidate;
      std::string child_ptr = milink::sdk::json_pointer_join(ptr, key);
      std::string child_path = path.empty() ? key : path + "." + key;
      if (!f) {
        if (envelope && envelope_member(key)) continue;
        return issue(BodyIssue::Kind::UnknownMember, child_path, key,
                     "Could not find member '" + key + "' on object of type '" +
                         (envelope ? std::string("ResourceDefinition") : type_name) + "'.",
                     child_ptr);
      }
      if (f->read_only) continue;  // ignored, as ARM's guidelines have it
      if (auto i = field(*f, child, child_ptr, child_path)) return i;
    }
    for (const auto& f : fields) {
      if (!f.required) continue;
      bool present = false;
      for (const auto& [key, child] : value.as_object())
        if (http::iequals(key, f.name) && !child.is_null()) present = true;
      if (!present)
        return issue(BodyIssue::Kind::MissingRequired, path.empty() ? f.name : path + "." + f.name, f.name,
                     "Required property '" + f.name + "' not found in JSON.", ptr);
    }
    return std::nullopt;
  }

  std::optional<BodyIssue> field(const Field& f, const Value& value, const std::string& ptr,
                                 const std::string& path) const {
    if (value.is_null()) return std::nullopt;
    auto wrong = [&](BodyIssue::Kind kind, const std::string& type) {
      return issue(kind, path, last_member(path), "Error converting value " + render_value(value) + " to type '" + type + "'.",
                   ptr);
    };
    switch (f.type) {
      case FieldType::Object: return object(f.object_name, f.fields, value, ptr, path, false);
      case FieldType::Array: {
        if (!value.is_array()) return wrong(BodyIssue::Kind::WrongType, "System.Collections.Generic.List`1");
        const auto& items = value.as_array();
        for (std::size_t i = 0; i < items.size(); ++i)
          if (!items[i].is_null())
            if (auto is = object(f.object_name, f.fields, items[i], milink::sdk::json_pointer_join(ptr, i),
                                 path + "[" + std::to_string(i) + "]", false))
              return is;
        return std::nullopt;
      }
      case FieldType::Int32:
        if (!value.is_int() || value.as_int() < INT32_MIN || value.as_int() > INT32_MAX)
          return wrong(BodyIssue::Kind::WrongType, dotnet_type(f.type));
        return std::nullopt;
      case FieldType::Boolean:
        if (!value.is_bool()) return wrong(BodyIssue::Kind::WrongType, dotnet_type(f.type));
        return std::nullopt;
      default:
        // Uuid and date-time travel as strings; the RP's model holds them as strings too.
        if (!value.is_string()) return wrong(BodyIssue::Kind::WrongType, "System.String");
        if (!f.enum_values.empty()) {
          bool ok = false;
          for (const auto& allowed : f.enum_values)
            if (http::iequals(allowed, value.as_string())) ok = true;
          if (!ok) return wrong(BodyIssue::Kind::BadEnum, f.enum_name.empty() ? "String" : f.enum_name);
        }
        return std::nullopt;
    }
  }
};

}  // namespace

Contract::Contract() {
  types_ = link_contracts();
  for (auto& t : certificate_contracts()) types_.push_back(std::move(t));
  std::set<std::string> all;
  for (const auto& t : types_) all.insert(t.api_version);
  // The managed instance is answered in every version its children have.
  for (auto& t : instance_contracts({all.begin(), all.end()})) types_.push_back(std::move(t));
  errors_ = error_contracts();
}

const Contract& arm_contract() {
  static const Contract contract;
  return contract;
}

const TypeContract* Contract::type(const std::string& resource_type, const std::string& api_version) const {
  for (const auto& t : types_)
    if (http::iequals(t.resource_type, resource_type) && t.api_version == api_version) return &t;
  return nullptr;
}

const ContractOperation* Contract::find(const std::string& operation_id, const std::string& api_version) const {
  for (const auto& t : types_)
    if (t.api_version == api_version)
      for (const auto& o : t.operations)
        if (o.operation_id == operation_id) return &o;
  return nullptr;
}

std::vector<std::string> Contract::versions_for_operation(const std::string& operation_id) const {
  std::set<std::string> s;
  for (const auto& t : types_)
    for (const auto& o : t.operations)
      if (o.operation_id == operation_id) s.insert(t.api_version);
  return {s.begin(), s.end()};
}

std::vector<std::string> Contract::versions_for_type(const std::string& resource_type) const {
  std::set<std::string> s;
  for (const auto& t : types_)
    if (http::iequals(t.resource_type, resource_type)) s.insert(t.api_version);
  return {s.begin(), s.end()};
}

std::vector<std::string> Contract::versions() const {
  std::set<std::string> s;
  for (const auto& t : types_) s.insert(t.api_version);
  return {s.begin(), s.end()};
}

const Schema* Contract::body_schema(const ContractOperation& op) const {
  const TypeContract* t = type(op.resource_type, op.api_version);
  if (!t || op.body == BodyKind::None) return nullptr;
  if (op.body == BodyKind::Resource) return &t->resource;
  for (const auto& r : t->requests)
    if (r.name == op.request) return &r;
  return nullptr;
}

std::optional<ErrorTemplate> Contract::error(const std::string& code) const {
  for (const auto& e : errors_)
    if (e.code == code) return ErrorTemplate{e.status, e.message};
  return std::nullopt;
}

bool Contract::documents(const std::string& code, const std::string& api_version) const {
  for (const auto& e : errors_)
    if (e.code == code && api_version >= e.since && (e.until.empty() || api_version <= e.until)) return true;
  return false;
}

std::optional<BodyIssue> Contract::validate_body(const ContractOperation& op, const Value& body, const SourceMap& map,
                                                 bool envelope) const {
  const Schema* s = body_schema(op);
  if (!s || body.is_null()) return std::nullopt;
  return Checker{map}.object(s->name, s->fields, body, "", "", envelope);
}

const Field* find_field(const std::vector<Field>& fields, const std::string& name) {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

Value prune_to(const Value& value, const std::vector<Field>& fields) {
  if (!value.is_object()) return value;
  Object out;
  for (const auto& [key, child] : value.as_object()) {
    const Field* f = find_field(fields, key);
    if (!f) continue;
    if (f->type == FieldType::Object) {
      out.set(key, prune_to(child, f->fields));
    } else if (f->type == FieldType::Array && child.is_array()) {
      milink::sdk::Array items;
      for (const auto& item : child.as_array()) items.push_back(prune_to(item, f->fields));
      out.set(key, Value(std::move(items)));
    } else {
      out.set(key, child);
    }
  }
  return Value(std::move(out));
}

std::string format_message(const std::string& templ, const std::vector<std::string>& args) {
  std::string out = templ;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string key = "{" + std::to_string(i) + "}";
    std::size_t pos = 0;
    while ((pos = out.find(key, pos)) != std::string::npos) {
      out.replace(pos, key.size(), args[i]);
      pos += args[i].size();
    }
  }
  return out;
}

}  // namespace milink::emulator::arm
