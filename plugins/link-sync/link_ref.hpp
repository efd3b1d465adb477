//===- plugins/link-sync/link_ref.hpp - Which link a step acts on ---*- C++ -*-===//
///
/// \file
/// The link-sync steps name a link the way the creation steps do: the
/// database, the DAG on SQL Server (dag's default name `DAG_<database>`),
/// the link in Azure (arm-link's `name`, the same as the DAG's) and the SQL
/// targets of both sides. One parser, so every step takes the same keys.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>
#include <vector>

namespace milink::link {

struct LinkRef {
  std::string database;
  std::string dag_name;         ///< the DAG on SQL Server; default DAG_<database>
  std::string link_name;        ///< the link in Azure and the DAG on the instance; default dag_name
  std::string api_version;      ///< for the link in ARM
  std::string sql_target;       ///< SQL Server
  std::string instance_target;  ///< the managed instance (T-SQL)
};

/// Which keys a step takes besides `database` (always, required).
enum LinkRefParts : unsigned {
  kDagNames = 1,        ///< dag_name, link_name
  kArmVersion = 2,      ///< api_version
  kSqlServerTarget = 4, ///< target
  kInstanceTarget = 8,  ///< instance_target
};

/// The `with` keys of LinkRef that \p parts names, with their defaults.
std::vector<milink::sdk::ParamSpec> link_ref_params(unsigned parts);

/// Parses and checks the keys \p parts names (the others keep their
/// defaults); throws ConfigError naming the key.
LinkRef read_link_ref(const milink::sdk::Params& p, unsigned parts);

}  // namespace milink::link
