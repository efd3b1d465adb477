//===- plugins/remove-link/remove_dag.hpp - Step remove-dag --------*- C++ -*-===//
///
/// \file
/// `remove-dag`: drops the link's distributed availability group on SQL
/// Server and, with `drop_ag`, the database's availability group, but only
/// when no other distributed availability group still uses it. Never drops
/// a database: it leaves the availability group and stays. What is not
/// there is reported, not an error (a creation that failed half-way).
/// Destructive: `milink run` asks first.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>
#include <vector>

namespace milink::link {

class RemoveDagStep {
public:
  struct Config {
    std::string target;
    std::string name;     ///< the DAG
    bool drop_ag = false;
    std::string ag_name;  ///< "" = the DAG's member that is an AG on this server
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  /// `IF EXISTS (...) DROP AVAILABILITY GROUP [name];` in master.
  static std::string drop_sql(const std::string& group);

private:
  struct Found {
    std::string server;
    bool dag = false;
    std::string ag_name;               ///< "" when unknown
    bool ag = false;
    std::vector<std::string> ag_users; ///< other DAGs using the AG
    bool drop_ag() const { return ag && ag_users.empty(); }
  };
  Found inspect(const Config& c, milink::sdk::Context& ctx) const;
  std::optional<Found> found_;
};

}  // namespace milink::link
