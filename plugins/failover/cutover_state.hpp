//===- plugins/failover/cutover_state.hpp - Step cutover-state ----*- C++ -*-===//
///
/// \file
/// `cutover-state`: where one database's cutover stands, read from both
/// sides, so a migration workflow can skip what is already done. Reads only.
///
///  * `linked`: the link exists and SQL Server is its primary;
///  * `failed_over`: the link exists and the managed instance is primary
///    (the link kept, or its removal not finished);
///  * `removed`: no link in Azure and the database stands on the managed
///    instance on its own (the link was removed after the cutover; a
///    remaining DAG on SQL Server is left to the removal steps).
///
/// A database that is neither linked nor on the instance is an error that
/// says to create the link first: a cutover cannot start from there.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/sdk.hpp>

#include <string>

namespace milink::link {

class CutoverStateStep {
public:
  struct Config {
    std::string target;           ///< SQL target of SQL Server
    std::string instance_target;  ///< SQL target of the managed instance
    std::string database;
    std::string name;             ///< the link (the DAG on SQL Server)
    std::string api_version;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);
};

}  // namespace milink::link
