//===- emulator/arm/spec_catalog.hpp - The copied Azure REST specs -*- C++ -*-===//
///
/// \file
/// The OpenAPI (Swagger 2.0) files of Microsoft.Sql copied under
/// emulator/arm/specs (see its README.md): which api-versions exist for which
/// operation and resource type, the request body schema of each operation,
/// and the RP's error catalogue ("* 400 InvalidPublicBlob - Invalid public
/// blob specified, reason: '{0}'.") from the operations' default responses.
///
/// A small validator checks request bodies against the schemas ("$ref" into
/// the same file and into the copied common types, allOf, type, format
/// int32, enum, readOnly, required) the way ARM and the RP's deserializer
/// react: unknown members, wrong types and enum values are
/// InvalidRequestContent naming the member (Newtonsoft-style path, line and
/// position); readOnly members sent by the client are ignored; member names
/// match without regard to case.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/json.hpp>
#include <milink/sdk/value.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace milink::emulator::arm {

class SpecError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct SpecOperation {
  std::string api_version;
  std::string file;            ///< "DistributedAvailabilityGroups.json"
  std::string method;          ///< "PUT"
  std::string path;            ///< the path template
  std::string operation_id;    ///< "DistributedAvailabilityGroups_CreateOrUpdate"
  bool long_running = false;
  std::string final_state_via; ///< "location", or empty
  std::string body_ref;        ///< "$ref" of the body parameter's schema, or empty
  std::string resource_type;   ///< "managedInstances/distributedAvailabilityGroups"
  std::string action;          ///< "failover", "setRole", or empty
  std::vector<std::string> responses;  ///< status codes the spec lists ("200", "202", ...)
};

struct ErrorTemplate {
  int status = 400;
  std::string message;  ///< may hold "{0}", "{1}"
};

/// The outcome of validating a body.
struct BodyIssue {
  enum class Kind { Malformed, UnknownMember, WrongType, BadEnum, MissingRequired };
  Kind kind = Kind::Malformed;
  std::string member;   ///< the member's name as sent (or the schema's for MissingRequired)
  std::string path;     ///< "properties.databases[0].databaseName"
  std::string message;  ///< the full ARM message (InvalidRequestContent style)
};

class SpecCatalog {
public:
  /// Loads every "<api-version>/<File>.json" and the common types under
  /// \p dir. Throws SpecError naming the file when one is missing or bad.
  explicit SpecCatalog(const std::filesystem::path& dir);

  const std::filesystem::path& directory() const { return dir_; }
  const std::vector<SpecOperation>& operations() const { return operations_; }
  const SpecOperation* find(const std::string& operation_id, const std::string& api_version) const;
  /// Ascending.
  std::vector<std::string> versions_for_operation(const std::string& operation_id) const;
  std::vector<std::string> versions_for_type(const std::string& resource_type) const;
  /// Every api-version with at least one file.
  std::vector<std::string> versions() const;

  /// The RP's entry for \p code, preferring \p api_version's files.
  std::optional<ErrorTemplate> error(const std::string& code, const std::string& api_version = "") const;
  /// True when \p api_version's own files list \p code.
  bool documents(const std::string& code, const std::string& api_version) const;

  /// Validates \p body (parsed from \p text, with \p map) against the body
  /// schema of \p op. \p envelope: the top level is an ARM resource
  /// (ResourceDefinition), whose extra envelope members ARM tolerates.
  std::optional<BodyIssue> validate_body(const SpecOperation& op, const milink::sdk::Value& body,
                                         const milink::sdk::SourceMap& map, bool envelope) const;
  /// The same against a named definition of \p op's file.
  std::optional<BodyIssue> validate_definition(const SpecOperation& op, const std::string& definition,
                                               const milink::sdk::Value& value, const milink::sdk::SourceMap& map,
                                               const std::string& pointer, const std::string& path) const;

  /// The definition \p name of \p op's file (after "$ref"), or nullptr.
  const milink::sdk::Value* definition(const SpecOperation& op, const std::string& name) const;

private:
  struct Document {
    std::string key;  ///< path relative to dir_, with '/'
    milink::sdk::Value root;
  };
  struct SchemaRef {
    const Document* doc = nullptr;
    const milink::sdk::Value* node = nullptr;
    std::string name;  ///< definition name, when it is one
  };
  struct Flattened {
    std::vector<std::pair<std::string, SchemaRef>> properties;
    std::vector<std::string> required;
    bool additional = false;
  };

  const Document* document(const std::string& key) const;
  SchemaRef resolve(const Document* from, const std::string& ref) const;
  SchemaRef follow(SchemaRef s) const;
  void flatten(const SchemaRef& s, Flattened& out, int depth) const;
  std::optional<BodyIssue> check(const SchemaRef& schema, const milink::sdk::Value& value,
                                 const milink::sdk::SourceMap& map, const std::string& pointer,
                                 const std::string& path, bool envelope, int depth) const;
  std::string where(const milink::sdk::SourceMap& map, const std::string& pointer, const std::string& path) const;

  std::filesystem::path dir_;
  std::vector<Document> documents_;
  std::vector<SpecOperation> operations_;
  /// version -> code -> template
  std::map<std::string, std::map<std::string, ErrorTemplate>> errors_;
};

/// Replaces "{0}", "{1}", ... in \p templ with \p args.
std::string format_message(const std::string& templ, const std::vector<std::string>& args);

/// Where the specs are: \p configured if set; else $MILINK_AZURE_SPECS; else
/// next to the binary (../share/milink/azure-specs); else the source tree's
/// copy compiled in. Throws SpecError when none exists.
std::filesystem::path find_spec_dir(const std::filesystem::path& configured = {});

}  // namespace milink::emulator::arm
