//===- plugins/link-sync/catch_up.hpp - Step catch-up ----------------*- C++ -*-===//
///
/// \file
/// `catch-up`: waits until the linked database's last hardened LSN is the
/// same on SQL Server and on the managed instance and stays the same for
/// `stable_seconds` (the docs' check before a planned failover: LSNs equal
/// and stable, i.e. caught up and nothing writing any more). Reports the
/// LSN gap, the log send queue and the lag as it goes. Gives up when the
/// gap has not closed further for `timeout_seconds`, telling the user to
/// stop the workload. Reads only.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "link_ref.hpp"
#include "side_log.hpp"

#include <milink/sdk/sdk.hpp>

namespace milink::link {

class CatchUpStep {
public:
  struct Config {
    LinkRef link;
    long long stable_seconds = 10;
    long long timeout_seconds = 300;
    long long poll_interval_ms = 2000;
  };

  /// One look at both sides.
  struct Look {
    SideLog sql;       ///< SQL Server
    SideLog instance;  ///< the managed instance
    bool equal() const { return !sql.lsn.empty() && sql.lsn == instance.lsn; }
    /// "LSN gap 1048576 (SQL Server 123, instance 456), log send queue 3 KB, lag 2 s".
    std::string describe() const;
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  /// Throws when either side has no row for the database in the DAG.
  Look look(const Config& c, milink::sdk::Context& ctx);
};

}  // namespace milink::link
