#include <milink/link/failover_mode.hpp>
#include <milink/link/results.hpp>

#include <cstdlib>

namespace milink::link {

FailoverModeChoice choose_failover_mode(const std::string& version, const std::string& format) {
  const int major = std::atoi(version.c_str());
  const std::string want = major == 16 ? "SQLServer2022" : major == 17 ? "SQLServer2025" : "";
  FailoverModeChoice c;
  c.format_known = !format.empty();
  if (major < 16) {
    c.mode = "None";
    c.why = "SQL Server " + version + " is older than 2022, which links only one way";
  } else if (format.empty()) {
    c.mode = want.empty() ? "None" : "Manual";
    c.why = "SQL Server " + version + (want.empty() ? " is newer than 2025" : " is 2022 or 2025") +
            "; the instance's update policy (databaseFormat) could not be read, so check it is " +
            (want.empty() ? "matching" : want) + " before failing back";
  } else if (!want.empty() && iequals(format, want)) {
    c.mode = "Manual";
    c.why = "SQL Server " + version + " and the instance's update policy " + format + " match (two-way: it can fail back)";
  } else {
    c.mode = "None";
    c.why = "the instance's update policy is " + format + ", not " + (want.empty() ? "one for SQL Server " + version : want) +
            " (one-way only)";
  }
  return c;
}

}  // namespace milink::link
