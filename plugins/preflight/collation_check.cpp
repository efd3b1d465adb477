// SQL Server's and the managed instance's server collation must match: a
// mismatch can change how the server name's casing compares and keep the
// link from connecting (the seed procedure's "Consider the following").
#include "checks.hpp"
#include "sql_values.hpp"

#include <algorithm>
#include <cctype>

namespace milink::preflight {

namespace {

const char* kCollationSql = "SELECT CAST(SERVERPROPERTY('Collation') AS nvarchar(128)) AS collation";

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void check_collation(Report& report, const Config& cfg, const std::string& sqlserver_collation) {
  std::optional<milink::sdk::Sql> mi = connect(report, "collation", cfg.mi_target);
  if (!mi) return;
  report.guarded("collation", "check the login of the \"" + cfg.mi_target + "\" section of the config", [&] {
    auto value = mi->scalar(kCollationSql);
    const std::string mi_collation = value ? text_of(*value) : std::string();
    if (sqlserver_collation.empty() || mi_collation.empty())
      throw milink::sdk::StepError("SERVERPROPERTY('Collation') returned NULL");
    if (iequals(sqlserver_collation, mi_collation)) {
      report.pass("collation", "SQL Server and the managed instance both use " + sqlserver_collation);
      return;
    }
    report.fail("collation",
                "SQL Server's collation " + sqlserver_collation + " differs from the managed instance's " +
                    mi_collation,
                "use the same server collation on both (a mismatch can change server-name casing and keep the link "
                "from connecting); a managed instance's collation is chosen when it is created");
  });
}

}  // namespace milink::preflight
