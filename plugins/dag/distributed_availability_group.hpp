//===- plugins/dag/distributed_availability_group.hpp - Step dag ----*- C++ -*-===//
///
/// \file
/// `dag`: the distributed availability group on SQL Server that joins the
/// database's AG with the managed instance (named from `name_pattern`,
/// default `DAG_{db}`; the link in Azure must carry the same name). Its
/// members, as in the seed: the AG with LISTENER_URL = the endpoint URL,
/// and the instance's availability group (`instance_ag_name`, default
/// `AG_<db>_MI` as Microsoft's docs write it: each link on an instance needs
/// its own; an existing DAG's other name for it is kept when not set) with LISTENER_URL =
/// 'tcp://<fqdn>:5022;Server=[<name>]',
/// both ASYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::link {

class DistributedAvailabilityGroupStep {
public:
  struct Config {
    std::string target;
    std::string database;
    std::string name_pattern;
    std::string ag_name;
    std::string listener_url;        ///< SQL Server's endpoint URL
    std::string instance_name;       ///< the instance's short name (Server=[...] in its LISTENER_URL)
    std::string instance_ag_name;    ///< the DAG's second member; default AG_<db>_MI (unique per link on the instance)
    bool instance_ag_name_given = false;  ///< set by the workflow (else an existing DAG's member name is adopted)
    std::string instance_fqdn;
    long long instance_port = 5022;
    bool multi_database = false;  ///< EXEC sys.sp_multidb_milink 1 before CREATE (a multi-database link)
    /// With multi_database: the SQL targets of the AG's secondary replicas
    /// (sqlserver.replicas.<name>), where sp_multidb_milink runs too.
    std::vector<std::string> replica_targets;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  static std::string instance_listener_url(const Config& c);
  static std::string create_sql(const Config& c, const std::string& dag);
  /// `EXEC sys.sp_multidb_milink 1;`: a DAG to the instance on an AG of several databases.
  static std::string multidb_sql();

private:
  std::string dag_name(const Config& c) const;
  /// The name of the instance's member when the DAG exists (nullopt when it
  /// does not); throws when it exists with other members.
  std::optional<std::string> inspect(const Config& c, milink::sdk::Context& ctx, const std::string& dag);
};

}  // namespace milink::link
