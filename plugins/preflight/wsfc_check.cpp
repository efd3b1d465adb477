// SQL Server 2016 has no CLUSTER_TYPE = NONE: it creates availability
// groups only on a node of a Windows Server failover cluster (the link's
// WSFC preparation page), and the ag step then leaves CLUSTER_TYPE out, as
// the docs give the statement for 2016. Off a cluster, preflight refuses.
#include "checks.hpp"
#include "sql_values.hpp"
#include "version_check.hpp"

namespace milink::preflight {

namespace {

const char* kClusterSql = "SELECT cluster_name FROM sys.dm_hadr_cluster";

}  // namespace

void check_wsfc(Report& report, milink::sdk::Sql& sql, const std::string& product_version) {
  auto v = ProductVersion::parse(product_version);
  if (!v || v->major != 13) return;
  report.guarded("wsfc", "milink needs a sysadmin login on SQL Server for the link", [&] {
    milink::sdk::SqlResultSet set = sql.query(kClusterSql);
    if (set.rows.empty()) {
      report.fail("wsfc",
                  "SQL Server 2016 is not a node of a Windows Server failover cluster: 2016 creates availability "
                  "groups only on one (CLUSTER_TYPE = NONE came with SQL Server 2017)",
                  "add the server to a Windows Server failover cluster and enable Always On availability groups "
                  "(the link's WSFC preparation guide), or upgrade to SQL Server 2019 CU20 or later, 2022 or 2025");
      return;
    }
    const std::string name = text_of(set.rows.front().front());
    report.pass("wsfc", "a node of the Windows Server failover cluster " + (name.empty() ? std::string("(unnamed)") : name) +
                            "; the ag step creates the availability group without CLUSTER_TYPE, as SQL Server 2016 "
                            "needs");
  });
}

}  // namespace milink::preflight
