//===- plugins/failover/failover.hpp - Step failover ---------------*- C++ -*-===//
///
/// \file
/// `failover`: makes one side of a link its primary, `to: instance` or
/// `to: sqlserver` (fail back), planned or forced.
///
///  * planned, to the instance: `ALTER AVAILABILITY GROUP [dag] FAILOVER` on
///    SQL Server (SQL Server 2022 CU13+, a two-way link);
///  * planned, to SQL Server: ARM `POST .../failover` `{"failoverType":"Planned"}`
///    (the instance primary, a two-way link, SQL Server 2022+);
///    both only when the link is synchronous on both sides with equal last
///    hardened LSNs, which the step checks first (it does not switch modes);
///  * forced, to the instance: ARM `failover` `ForcedAllowDataLoss`; to SQL
///    Server: `ALTER AVAILABILITY GROUP [dag] FORCE_FAILOVER_ALLOW_DATA_LOSS`.
///    Needs `acknowledge_data_loss: true`. Reports the LSN gap it loses.
///    The old primary stays primary (split brain) until it steps down:
///    with `resolve_split_brain` (default true) the step demotes it, `SET
///    (ROLE = SECONDARY)` on SQL Server or ARM `setRole` Secondary for the
///    instance.
///
/// The side asked for already primary (and no split brain left to
/// resolve): satisfied. A run that stopped between the forced failover and
/// the demotion finds the split brain and finishes it. Destructive:
/// `milink run` asks first.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "failover_rules.hpp"
#include "link_sides.hpp"

#include <milink/sdk/sdk.hpp>

#include <optional>
#include <string>

namespace milink::link {

class FailoverStep {
public:
  struct Config {
    std::string target;  ///< SQL target of SQL Server
    std::string name;    ///< the link (the DAG on SQL Server)
    bool forced = false;
    Side to = Side::Instance;
    bool resolve_split_brain = true;
    std::string api_version;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  /// `ALTER AVAILABILITY GROUP [dag] <verb>;` in master (FAILOVER,
  /// FORCE_FAILOVER_ALLOW_DATA_LOSS, SET (ROLE = SECONDARY)).
  static std::string alter_dag_sql(const std::string& dag, const std::string& verb);

private:
  LinkSides read(const Config& c, milink::sdk::Context& ctx) const;
  milink::sdk::Action failover_action(const Config& c, milink::sdk::Context& ctx, const LinkSides& s) const;
  milink::sdk::Action demote_action(const Config& c, milink::sdk::Context& ctx, const LinkSides& s) const;
  void fail_over(const Config& c, milink::sdk::Context& ctx, const LinkSides& s) const;
  void demote(const Config& c, milink::sdk::Context& ctx, const LinkSides& s) const;
  std::optional<LinkSides> seen_;  ///< what observe() read, for plan()
};

}  // namespace milink::link
