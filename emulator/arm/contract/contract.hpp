//===- emulator/arm/contract/contract.hpp - The ARM contract we enforce -*- C++ -*-===//
///
/// \file
/// The project's own description of the Microsoft.Sql contract the emulator
/// serves: per resource type and api-version, the operations (method, path,
/// long-running, action), the body shapes (properties with their types,
/// enums, required and read-only members) and the RP's error codes. It is
/// written from the facts of Microsoft's published REST specs (see
/// emulator/arm/README.md, "The contract"); tests/armemu/contract_vs_specs_tests.cpp
/// checks it against those specs.
///
/// A small validator checks request bodies against it the way ARM and the
/// RP's deserializer react: unknown members, wrong types and enum values are
/// InvalidRequestContent naming the member (Newtonsoft-style path, line and
/// position); read-only members sent by a client are ignored; member names
/// match without regard to case.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/json.hpp>
#include <milink/sdk/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::emulator::arm {

/// A member's wire type (Swagger type + format, as far as the RP tells them apart).
enum class FieldType { String, Uuid, DateTime, Int32, Boolean, Object, Array };

/// One member of an object schema.
struct Field {
  std::string name;
  FieldType type = FieldType::String;
  bool read_only = false;
  bool required = false;
  std::string enum_name;                ///< the enum's type name ("ReplicationMode"), when it has one
  std::vector<std::string> enum_values;
  /// Object: the object's members; Array: the members of each (object) item.
  std::vector<Field> fields;
  std::string object_name;              ///< the object (or item) type's name, used in messages
};

/// An object type: its name (the RP's type name in messages) and members.
struct Schema {
  std::string name;
  std::vector<Field> fields;
};

/// What an operation's request body is.
enum class BodyKind { None, Resource, Request };

struct ContractOperation {
  std::string api_version;
  std::string resource_type;   ///< "managedInstances/distributedAvailabilityGroups"
  std::string operation_id;    ///< "DistributedAvailabilityGroups_CreateOrUpdate"
  std::string method;          ///< "PUT"
  std::string path;            ///< after ".../providers/Microsoft.Sql/": "managedInstances/{managedInstanceName}/..."
  std::string action;          ///< "failover", "setRole", or empty
  bool long_running = false;
  BodyKind body = BodyKind::None;
  std::string request;         ///< BodyKind::Request: the request schema's name
};

/// One api-version of one resource type.
struct TypeContract {
  std::string resource_type;
  std::string api_version;
  Schema resource;                     ///< what GET and list return
  std::vector<ContractOperation> operations;
  std::vector<Schema> requests;        ///< request bodies that are not the resource (actions, 2023-02-01-preview's PUT)
};

/// An RP error: code, status, message template ("{0}" ...), and the
/// api-versions whose specs list it (since..until, inclusive; until empty: still listed).
struct ContractError {
  std::string code;
  int status = 400;
  std::string message;
  std::string resource_type;           ///< the type whose operations list it
  std::string since, until;
};

struct ErrorTemplate {
  int status = 400;
  std::string message;
};

/// The outcome of validating a body.
struct BodyIssue {
  enum class Kind { UnknownMember, WrongType, BadEnum, MissingRequired };
  Kind kind = Kind::WrongType;
  std::string member;   ///< the member's name as sent (or the schema's for MissingRequired)
  std::string path;     ///< "properties.databases[0].databaseName"
  std::string message;  ///< the full ARM message (InvalidRequestContent style)
};

class Contract {
public:
  Contract();

  const std::vector<TypeContract>& types() const { return types_; }
  const std::vector<ContractError>& errors() const { return errors_; }
  /// The contract of \p resource_type at \p api_version, or nullptr.
  const TypeContract* type(const std::string& resource_type, const std::string& api_version) const;
  const ContractOperation* find(const std::string& operation_id, const std::string& api_version) const;
  /// Ascending.
  std::vector<std::string> versions_for_operation(const std::string& operation_id) const;
  std::vector<std::string> versions_for_type(const std::string& resource_type) const;
  /// Every api-version of any type.
  std::vector<std::string> versions() const;

  /// The schema of \p op's body, or nullptr when it has none.
  const Schema* body_schema(const ContractOperation& op) const;

  /// The RP's entry for \p code.
  std::optional<ErrorTemplate> error(const std::string& code) const;
  /// True when \p api_version's spec lists \p code.
  bool documents(const std::string& code, const std::string& api_version) const;

  /// Validates \p body (parsed with \p map) against \p op's body schema.
  /// \p envelope: the top level is an ARM resource (ResourceDefinition),
  /// whose extra envelope members ARM tolerates.
  std::optional<BodyIssue> validate_body(const ContractOperation& op, const milink::sdk::Value& body,
                                         const milink::sdk::SourceMap& map, bool envelope) const;

private:
  std::vector<TypeContract> types_;
  std::vector<ContractError> errors_;
};

/// The contract, built once.
const Contract& arm_contract();

/// The member \p name of \p fields (exact case), or nullptr.
const Field* find_field(const std::vector<Field>& fields, const std::string& name);

/// Keeps only the members of \p value that \p fields describe (recursively
/// into objects and arrays of objects): what a version answers.
milink::sdk::Value prune_to(const milink::sdk::Value& value, const std::vector<Field>& fields);

/// Replaces "{0}", "{1}", ... in \p templ with \p args.
std::string format_message(const std::string& templ, const std::vector<std::string>& args);

// The parts of the table, one file each.
std::vector<TypeContract> link_contracts();
std::vector<TypeContract> certificate_contracts();
std::vector<TypeContract> instance_contracts(const std::vector<std::string>& versions);
std::vector<ContractError> error_contracts();

}  // namespace milink::emulator::arm
