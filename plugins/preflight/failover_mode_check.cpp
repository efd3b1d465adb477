// Which failover mode the link can have: two-way (failoverMode Manual) needs
// SQL Server 2022 or 2025 and a managed instance whose update policy
// (databaseFormat) matches it. The rule is arm-link's own `auto`
// (milink/link/failover_mode.hpp); this check says which mode applies and
// why, and fails a workflow that asks for two-way where it cannot be.
#include "checks.hpp"

#include <milink/link/failover_mode.hpp>

namespace milink::preflight {

std::string check_failover_mode(Report& report, const Config& cfg, const std::string& product_version,
                                const std::string& database_format) {
  milink::link::FailoverModeChoice choice = milink::link::choose_failover_mode(product_version, database_format);
  const bool two_way = choice.mode == "Manual";
  const std::string gives = std::string(two_way ? "manual (two-way: the database can fail back to SQL Server)"
                                                : "none (one-way: failover to the instance only)") +
                            ", because " + choice.why;
  if (cfg.failover_mode == "manual" && !two_way) {
    report.fail("failover_mode", "failover_mode manual (two-way) is not possible: " + choice.why,
                "use failover_mode none (or auto), or give the managed instance the update policy that matches SQL "
                "Server's version (SQL Server 2022 for 2022, SQL Server 2025 for 2025; SQL Server before 2022 links "
                "one way only)");
    return "none";
  }
  if (cfg.failover_mode == "none") {
    report.pass("failover_mode", "failover_mode none (one-way), as the workflow asks; auto would give " + gives);
    return "none";
  }
  if (two_way && !choice.format_known) {
    report.warn("failover_mode", "failover_mode " + cfg.failover_mode + " gives " + gives,
                "read the managed instance's update policy in the Azure portal: failing back needs it to match SQL "
                "Server's version");
    return "manual";
  }
  report.pass("failover_mode", "failover_mode " + cfg.failover_mode + " gives " + gives);
  return two_way ? "manual" : "none";
}

}  // namespace milink::preflight
