//===- emulator/arm/contract/builders.hpp - Shorthands for the contract tables -*- C++ -*-===//
///
/// \file
/// Small constructors the contract tables (links.cpp, certificates.cpp) are
/// written with, so that each api-version reads as a short list of facts.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "arm/contract/contract.hpp"

#include <initializer_list>

namespace milink::emulator::arm::build {

inline Field text(std::string name) { return Field{std::move(name), FieldType::String}; }
inline Field uuid(std::string name) { return Field{std::move(name), FieldType::Uuid}; }
inline Field date_time(std::string name) { return Field{std::move(name), FieldType::DateTime}; }
inline Field int32(std::string name) { return Field{std::move(name), FieldType::Int32}; }
inline Field choice(std::string name, std::string enum_name, std::vector<std::string> values) {
  Field f{std::move(name), FieldType::String};
  f.enum_name = std::move(enum_name);
  f.enum_values = std::move(values);
  return f;
}
inline Field object(std::string name, std::string type_name, std::vector<Field> fields) {
  Field f{std::move(name), FieldType::Object};
  f.object_name = std::move(type_name);
  f.fields = std::move(fields);
  return f;
}
inline Field array_of(std::string name, std::string item_type, std::vector<Field> fields) {
  Field f{std::move(name), FieldType::Array};
  f.object_name = std::move(item_type);
  f.fields = std::move(fields);
  return f;
}
inline Field read_only(Field f) {
  f.read_only = true;
  return f;
}
inline Field required(Field f) {
  f.required = true;
  return f;
}
/// Every member read-only.
inline std::vector<Field> read_only(std::vector<Field> fields) {
  for (auto& f : fields) f.read_only = true;
  return fields;
}
inline std::vector<Field> operator+(std::vector<Field> a, const std::vector<Field>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// An ARM proxy resource: read-only id, name, type and its properties object.
inline Schema resource(std::string type_name, std::string properties_name, std::vector<Field> properties) {
  return Schema{std::move(type_name),
                {read_only(text("id")), read_only(text("name")), read_only(text("type")),
                 object("properties", std::move(properties_name), std::move(properties))}};
}

/// An operation on \p path (below "providers/Microsoft.Sql/").
inline ContractOperation op(std::string id, std::string method, std::string path, bool long_running = false,
                            BodyKind body = BodyKind::None, std::string request = {}, std::string action = {}) {
  ContractOperation o;
  o.operation_id = std::move(id);
  o.method = std::move(method);
  o.path = std::move(path);
  o.long_running = long_running;
  o.body = body;
  o.request = std::move(request);
  o.action = std::move(action);
  return o;
}

/// Stamps \p t's type and version onto its operations.
inline TypeContract finish(TypeContract t) {
  for (auto& o : t.operations) {
    o.api_version = t.api_version;
    o.resource_type = t.resource_type;
  }
  return t;
}

}  // namespace milink::emulator::arm::build
