//===- milink/link/ag_membership.hpp - Databases of an AG ---------*- C++ -*-===//
///
/// \file
/// What the steps that put databases into an availability group (ag) and
/// take them in and out of a running multi-database link (link-databases)
/// share: the list parameter, its text for people, and the T-SQL.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/params.hpp>

#include <string>
#include <vector>

namespace milink::link {

/// The database names of list parameter \p field: each a sysname, none twice
/// (ignoring case). Throws milink::sdk::ConfigError(field) otherwise.
std::vector<std::string> database_list(const milink::sdk::Params& p, const char* field);

/// The names of the secondary replicas in list parameter \p field (the
/// config's sqlserver.replicas: objects with a name, or plain names); their
/// SQL targets are "sqlserver.replicas.<name>". Throws
/// milink::sdk::ConfigError(field) for an element without a name.
std::vector<std::string> replica_names(const milink::sdk::Params& p, const char* field);

/// "sqlserver.replicas.<name>": the SQL target of secondary replica \p name.
std::string replica_target(const std::string& name);

/// True when \p names holds \p name, ignoring case (as SQL Server compares names).
bool has_name(const std::vector<std::string>& names, const std::string& name);

/// "[a], [b]": quoted identifiers, for messages.
std::string quoted_names(const std::vector<std::string>& names);

/// ALTER AVAILABILITY GROUP [ag] ADD DATABASE [db]; / REMOVE DATABASE [db];
std::string add_database_sql(const std::string& ag, const std::string& database);
std::string remove_database_sql(const std::string& ag, const std::string& database);

}  // namespace milink::link
