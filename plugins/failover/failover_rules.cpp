#include "failover_rules.hpp"

#include "lsn.hpp"

#include <milink/link/results.hpp>

namespace milink::link {

namespace {
std::string lsn_or_unknown(const std::string& lsn) { return lsn.empty() ? "(unknown)" : lsn; }
const std::string& lsn_of(Side s, const LinkSides& l) { return s == Side::Instance ? l.instance_lsn : l.sql_lsn; }
bool two_way(const LinkSides& l) { return iequals(l.failover_mode, "Manual"); }
std::string one_way(const LinkSides& l) {
  return "the link is one-way (failoverMode " + (l.failover_mode.empty() ? std::string("None") : l.failover_mode) + ")";
}
}  // namespace

std::string side_name(Side s, const LinkSides& l) {
  return s == Side::Instance ? "the managed instance " + l.instance
                             : "SQL Server " + (l.server.empty() ? std::string("(sqlserver)") : l.server);
}

bool is_primary(Side s, const LinkSides& l) { return s == Side::Instance ? l.instance_primary() : l.sql_primary(); }

Side other(Side s) { return s == Side::Instance ? Side::SqlServer : Side::Instance; }

std::string unsupported(Side to, bool forced, const LinkSides& l) {
  if (to == Side::SqlServer) {
    if (l.major() != 0 && l.major() < 16)
      return "SQL Server " + l.version + " is older than 2022: a link to it is one-way, and the managed instance "
             "cannot fail back to it. Copy the data back another way (e.g. a backup of the instance's database)";
    if (!two_way(l))
      return one_way(l) + ": it cannot make SQL Server primary again. A link keeps the failover mode it was created "
             "with; to fail back, remove it and create it two-way (failover_mode manual, SQL Server 2022 or later "
             "with a matching update policy)";
    return "";
  }
  if (forced) return "";
  if (l.major() != 0 && (l.major() < 16 || (l.major() == 16 && l.build() < 4125)))
    return "a planned failover to the managed instance that keeps the link runs ALTER AVAILABILITY GROUP ... "
           "FAILOVER on SQL Server, which needs SQL Server 2022 CU13 (16.0.4125) or later; SQL Server " +
           l.version + " is older. Update SQL Server, or cut over by removing the link once it has caught up "
           "(SQL Server 2016/2019), or use type forced";
  if (!two_way(l))
    return one_way(l) + ": a planned failover keeps the link with SQL Server as the instance's secondary, which "
           "needs a two-way link (failoverMode Manual). Cut over by removing the link once it has caught up, or "
           "remove it and create it two-way (failover_mode manual)";
  return "";
}

std::string not_ready(Side to, const LinkSides& l) {
  const Side from = other(to);
  std::string why;
  auto add = [&](const std::string& s) { why += (why.empty() ? "" : "; ") + s; };
  if (l.connected_state != "CONNECTED" || !iequals(l.health, "HEALTHY"))
    add("the link is not connected and healthy (connectedState " + lsn_or_unknown(l.connected_state) +
        ", synchronizationHealth " + lsn_or_unknown(l.health) + ")");
  std::string async;
  for (const auto& m : l.async_members) async += (async.empty() ? "" : ", ") + m;
  if (!async.empty()) add("SQL Server's distributed availability group is not synchronous (" + async + ")");
  if (!iequals(l.replication_mode, "Sync"))
    add("the link's replicationMode in Azure is " + lsn_or_unknown(l.replication_mode) + ", not Sync");
  auto order = compare_lsn(lsn_of(from, l), lsn_of(to, l));
  if (!order || *order != 0) {
    std::string gap = lsn_gap(lsn_of(from, l), lsn_of(to, l));
    add(side_name(to, l) + " is behind: its last hardened LSN is " + lsn_or_unknown(lsn_of(to, l)) + ", " +
        side_name(from, l) + "'s is " + lsn_or_unknown(lsn_of(from, l)) + (gap.empty() ? "" : " (gap " + gap + ")"));
  }
  if (why.empty()) return "";
  const std::string service =
      to == Side::Instance ? "SQL Server refuses ALTER AVAILABILITY GROUP ... FAILOVER then with Msg 41142"
                           : "Azure refuses the failover then with 409 "
                             "DistributedAvailabilityGroupFailoverSecondariesNotSynchronizing or "
                             "DistributedAvailabilityGroupFailoverLogSendQueueSizeTooBig";
  return "a planned failover needs the link synchronous on both sides with equal last hardened LSNs, and " + why +
         " (" + service + "). Switch both sides to synchronous (the replication-mode step, mode sync), stop the "
         "workload on " + side_name(from, l) + " and wait for the LSNs to match (the catch-up step), then run this "
         "again; or fail over with type forced, which loses the log " + side_name(to, l) + " has not hardened";
}

std::string cannot_demote(Side side, const LinkSides& l) {
  if (side == Side::Instance) return "";
  if (l.major() != 0 && l.major() < 16)
    return "SQL Server " + l.version + " is older than 2022 and cannot be the managed instance's secondary";
  if (!two_way(l)) return one_way(l) + " and SQL Server cannot be the managed instance's secondary";
  return "";
}

std::string lost_lsn_gap(Side to, const LinkSides& l) {
  const Side from = other(to);
  if (!is_primary(from, l)) return is_primary(to, l) ? "0" : "";
  return lsn_gap(lsn_of(from, l), lsn_of(to, l));
}

}  // namespace milink::link
