//===- plugins/arm-link/link_databases.hpp - Step link-databases ----*- C++ -*-===//
///
/// \file
/// `link-databases`: adds databases to and removes them from a running
/// multi-database link (linkMode MultiDatabase), on both sides and in the
/// order that keeps the link healthy:
///
///  1. removed databases leave the link in Azure first (PATCH databases[]
///     without them, waiting for the operation), then SQL Server's AG
///     (ALTER AVAILABILITY GROUP ... REMOVE DATABASE). The copy on the
///     managed instance stays there, on its own (not dropped);
///  2. added databases join SQL Server's AG first (ALTER AVAILABILITY GROUP
///     ... ADD DATABASE; the database must be in the FULL recovery model with
///     its log chain started, as for `ag`), then the link (PATCH databases[]
///     with them), which seeds them on the managed instance; `verify` with
///     `databases` follows the seeding per database.
///
/// For a link built on an existing availability group with secondary
/// replicas (workflows/existing-ag-add-remove.json): `replicas` names them
/// (the config's sqlserver.replicas, SQL targets sqlserver.replicas.<name>);
/// an added database must reach every secondary (automatic seeding) before
/// the link gets it, and a secondary that seeds manually is refused before
/// any change; with `remove_from_ag` false a removed database leaves the
/// link only and stays in the customer's group.
///
/// It observes both sides first: a database already where it should be is
/// left alone, so a second run (or a resumed one) changes nothing.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/link/link_api.hpp>
#include <milink/sdk/sdk.hpp>

#include <string>
#include <vector>

namespace milink::link {

class LinkDatabasesStep {
public:
  struct Config {
    std::string name;     ///< the link (= the DAG on SQL Server)
    std::string ag_name;  ///< SQL Server's AG under the DAG
    std::vector<std::string> add, remove;
    std::string api_version;
    std::string target;  ///< SQL target of SQL Server
    /// The AG's secondary replicas: their names and SQL targets (sqlserver.replicas.<name>).
    std::vector<std::string> replicas, replica_targets;
    bool remove_from_ag = true;  ///< a removed database leaves the AG too
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);


private:
  /// What is still to do on each side.
  struct Todo {
    std::vector<std::string> link;      ///< the link's databases now
    std::vector<std::string> arm_remove, sql_remove, sql_add, arm_add;
    std::vector<std::string> replica_pending;  ///< added databases some secondary replica has not joined yet
    bool empty() const {
      return arm_remove.empty() && sql_remove.empty() && sql_add.empty() && arm_add.empty() && replica_pending.empty();
    }
  };
  Todo inspect(const Config& c, milink::sdk::Context& ctx);
  /// Refuses (StepError) when a secondary replica seeds manually and \p adding is not empty.
  void check_seeding(const Config& c, milink::sdk::Context& ctx, const std::vector<std::string>& adding);
  /// The databases of \p want that secondary replica \p i has not joined to the AG yet.
  std::vector<std::string> missing_on_replica(const Config& c, milink::sdk::Context& ctx, std::size_t i,
                                              const std::vector<std::string>& want);
  /// PATCH the link's databases[] to \p databases and wait for the operation.
  void patch(const Config& c, milink::sdk::Context& ctx, const std::vector<std::string>& databases);
};

}  // namespace milink::link
