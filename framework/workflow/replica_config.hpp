//===- workflow/replica_config.hpp - /sqlserver/replicas -------*- C++ -*-===//
///
/// \file
/// Checks the config keys that describe SQL Server's existing availability
/// group: /sqlserver/availability_group, /sqlserver/listener and
/// /sqlserver/replicas (each a *sql replica*), and that they appear only
/// under /sqlserver. See docs/workflow-language.md, "sql replica".
///
//===----------------------------------------------------------------------===//
#pragma once

#include "workflow/diagnostics.hpp"

#include <milink/sdk/value.hpp>

namespace milink::workflow {

/// Adds a diagnostic (naming the key and what to do) for each problem: a
/// replica that is not an object, lacks a name, repeats a name (compared
/// case-insensitively, as SQL Server compares server names) or names the
/// primary (/sqlserver/name), a port out of range, replicas without
/// /sqlserver/availability_group, and these keys under /managed_instance.
void check_sql_replicas(const milink::sdk::Object& top, Diagnostics& diags);

}  // namespace milink::workflow
