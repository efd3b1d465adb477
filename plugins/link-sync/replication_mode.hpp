//===- plugins/link-sync/replication_mode.hpp - Step replication-mode -*- C++ -*-===//
///
/// \file
/// `replication-mode`: switches a link between asynchronous and synchronous
/// commit on both sides, as the failover how-to does before a planned
/// failover: first SQL Server (ALTER AVAILABILITY GROUP [dag] MODIFY
/// AVAILABILITY GROUP ON '<ag>' WITH (AVAILABILITY_MODE = ...), '<instance
/// ag>' WITH (...)), then the link in Azure (replicationMode, which every
/// api-version of the link has: a PATCH of that one property, long-running;
/// the rest of the link's definition is not sent, so nothing else can
/// change). It reads
/// both first and changes only the side that differs, so a second run, or
/// a resumed one, changes nothing.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "link_ref.hpp"

#include <milink/link/link_api.hpp>
#include <milink/sdk/sdk.hpp>

#include <string>
#include <vector>

namespace milink::link {

class ReplicationModeStep {
public:
  struct Config {
    LinkRef link;
    bool sync = true;
    std::string sql_mode;  ///< SYNCHRONOUS_COMMIT / ASYNCHRONOUS_COMMIT
    std::string arm_mode;  ///< Sync / Async
  };

  /// What both sides say now.
  struct Sides {
    std::vector<std::pair<std::string, std::string>> members;  ///< the DAG's members and their availability_mode_desc
    LinkView link;  ///< the link in ARM; link.replication_mode "" when the GET does not show it
    bool sql_done(const Config& c) const;
    bool arm_done(const Config& c) const;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

  static std::string alter_sql(const Config& c, const Sides& s);
  /// The PATCH body: {"properties": {"replicationMode": "Sync" | "Async"}} and nothing else.
  static milink::sdk::Value patch_body(const Config& c);

private:
  /// Reads both sides; throws when the DAG or the link is missing.
  Sides inspect(const Config& c, milink::sdk::Context& ctx);
  Sides seen_;  ///< what observe() saw, for plan()
};

}  // namespace milink::link
