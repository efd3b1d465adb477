//===- plugins/verify/verify_link.hpp - Step verify -------------------*- C++ -*-===//
///
/// \file
/// `verify`: waits until the managed instance's replica is CONNECTED, the
/// database has seeded and (unless `until` is `seeded`) the replica is
/// HEALTHY, having caught up with the log written while it seeded; reporting progress (bytes and percent) as it goes,
/// until nothing has moved for `timeout_seconds` (a stall, not a limit on the
/// total time). When the link fails, or stalls, it says
/// why and what to do: it maps last_connect_error_* and ARM's link errors to
/// a remedy (certificate trust, endpoint, ports 5022 and 11000-11999, name
/// casing and collation, log backups during seeding).
///
/// With `databases` (a multi-database link) each database is waited for in
/// turn, and its seeding is shown per database (SQL Server's seeding stats
/// and the link's databases[] item in ARM).
///
/// With `replicas` (a link on an existing AG) it first checks every secondary
/// replica (replica_check.hpp) and fails naming the replica that is not ready.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "link_status.hpp"

#include <milink/sdk/sdk.hpp>

namespace milink::link {

class VerifyLink {
public:
  struct Config {
    LinkTarget target;
    std::vector<std::string> databases;  ///< a multi-database link's databases; {target.database} otherwise
    long long timeout_seconds = 1800;
    long long poll_interval_ms = 2000;
    bool until_healthy = true;          ///< until: wait for HEALTHY after seeding (else seeding alone)
    std::vector<std::string> replicas;  ///< an existing AG's secondary replicas (SQL targets sqlserver.replicas.<name>)
    std::string instance_fqdn;          ///< names the instance's certificate on them
  };

  static milink::sdk::StepSpec spec();
  static Config configure(const milink::sdk::Params& p);
  milink::sdk::Observation observe(const Config& c, milink::sdk::Context& ctx);
  milink::sdk::Plan plan(const Config& c, milink::sdk::Context& ctx);
  void apply(const Config& c, milink::sdk::Context& ctx);

private:
  void set_outputs(milink::sdk::Context& ctx, const LinkStatus& s, double waited_seconds);
  /// Whether \p s is what the step waits for.
  static bool done(const Config& c, const LinkStatus& s);
  /// One line for progress and messages: LinkStatus::describe(), or that it
  /// waits for the seeded copy to catch up.
  static std::string state_line(const Config& c, const LinkStatus& s);
  /// Waits for one database (\p t.database) to connect and seed (and catch up).
  LinkStatus wait_for(const Config& c, const LinkTarget& t, milink::sdk::Context& ctx, double& waited);
};

}  // namespace milink::link
