#include "link_ref.hpp"

#include <milink/link/link_api.hpp>
#include <milink/link/names.hpp>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::Value;
using milink::sdk::Param;

std::vector<milink::sdk::ParamSpec> link_ref_params(unsigned parts) {
  std::vector<milink::sdk::ParamSpec> out{Param::string("database").required().doc("The linked database")};
  if (parts & kDagNames) {
    out.push_back(Param::string("dag_name")
            .defaults_to(Value(""))
            .doc("The distributed availability group on SQL Server (dag's name); default DAG_<database>, dag's default"));
    out.push_back(Param::string("link_name")
            .defaults_to(Value(""))
            .doc("The link in Azure, also the DAG's name on the managed instance (arm-link's name); default dag_name"));
  }
  if (parts & kArmVersion)
    out.push_back(Param::string("api_version").defaults_to(Value(kDefaultLinkApiVersion)).doc("ARM api-version for the link"));
  if (parts & kSqlServerTarget)
    out.push_back(Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"));
  if (parts & kInstanceTarget)
    out.push_back(Param::string("instance_target")
            .defaults_to(Value("managed_instance"))
            .doc("SQL target of the managed instance"));
  return out;
}

LinkRef read_link_ref(const milink::sdk::Params& p, unsigned parts) {
  LinkRef r;
  r.database = p.string("database");
  check_sysname(r.database, "database");
  r.dag_name = expand_name("DAG_{db}", {{"db", r.database}}, "database");
  if (parts & kDagNames) {
    if (!p.string("dag_name").empty()) r.dag_name = p.string("dag_name");
    check_sysname(r.dag_name, "dag_name");
    r.link_name = p.string("link_name");
  }
  if (r.link_name.empty()) r.link_name = r.dag_name;
  check_sysname(r.link_name, "link_name");
  r.api_version = kDefaultLinkApiVersion;
  if (parts & kArmVersion) {
    r.api_version = p.string("api_version");
    if (!is_api_version(r.api_version))
      throw ConfigError("api_version", "\"" + r.api_version + "\" is not an api-version; write e.g. 2025-01-01");
  }
  r.sql_target = parts & kSqlServerTarget ? p.string("target") : "sqlserver";
  r.instance_target = parts & kInstanceTarget ? p.string("instance_target") : "managed_instance";
  return r;
}

}  // namespace milink::link
