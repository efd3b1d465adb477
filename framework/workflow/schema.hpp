//===- workflow/schema.hpp - The keys of workflow and config files -*- C++ -*-===//
///
/// \file
/// One table per JSON object kind. The parsers check files against these
/// tables, and `milink schema` prints them (docs/workflow-language.md is
/// generated from that output, so the reference cannot drift).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace milink::workflow {

struct KeySpec {
  const char* key;
  const char* type;  ///< "string", "integer", "boolean", "array", "object", "string|array", ...
  bool required;
  const char* doc;
};

struct ObjectSchema {
  const char* name;     ///< "workflow", "input", "step", ...
  const char* where;    ///< where such an object appears, e.g. "/steps/N"
  std::vector<KeySpec> keys;

  const KeySpec* find(const std::string& key) const;
  std::vector<std::string> key_names() const;
};

const ObjectSchema& workflow_schema();
const ObjectSchema& input_schema();
const ObjectSchema& step_schema();
const ObjectSchema& max_parallel_ceiling_schema();
const ObjectSchema& concurrency_schema();
const ObjectSchema& config_schema();
const ObjectSchema& sql_target_schema();
/// Each element of /sqlserver/replicas: a secondary replica of SQL Server's
/// existing availability group (a SQL target whose unset connection keys
/// come from /sqlserver).
const ObjectSchema& sql_replica_schema();
const ObjectSchema& azure_schema();
const ObjectSchema& provider_instance_schema();
const ObjectSchema& secret_ref_schema();
/// {"env": "VAR"}: a non-secret value from the environment.
const ObjectSchema& env_ref_schema();

/// Every schema, in documentation order.
std::vector<const ObjectSchema*> all_schemas();

/// The reference as Markdown (what `milink schema --markdown` prints).
std::string schema_markdown();

}  // namespace milink::workflow
