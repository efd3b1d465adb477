#include "version_check.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <vector>

namespace milink::preflight {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

const ProductVersion k2016Sp3{13, 0, 6300, 2};
const ProductVersion k2017Cu31{14, 0, 3456, 2};
const ProductVersion k2019Cu20{15, 0, 4312, 2};
const ProductVersion k2022Rtm{16, 0, 1000, 6};
const ProductVersion k2025Rtm{17, 0, 1000, 7};

const char* kUpgrade = "upgrade to SQL Server 2019 CU20 (15.0.4312.2) or later, or SQL Server 2022 or 2025";

Finding pass(std::string detail) { return Finding{Verdict::Pass, std::move(detail), {}}; }
Finding warn(std::string detail, std::string remedy) { return Finding{Verdict::Warn, std::move(detail), std::move(remedy)}; }
Finding fail(std::string detail, std::string remedy) { return Finding{Verdict::Fail, std::move(detail), std::move(remedy)}; }

}  // namespace

std::optional<ProductVersion> ProductVersion::parse(const std::string& text) {
  std::vector<int> parts;
  std::string cur;
  for (char c : text + ".") {
    if (c == '.') {
      if (cur.empty() || cur.size() > 9) return std::nullopt;
      parts.push_back(std::stoi(cur));
      cur.clear();
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      cur += c;
    } else {
      return std::nullopt;
    }
  }
  if (parts.size() < 3 || parts.size() > 4) return std::nullopt;
  ProductVersion v;
  v.major = parts[0];
  v.minor = parts[1];
  v.build = parts[2];
  v.revision = parts.size() == 4 ? parts[3] : 0;
  return v;
}

std::string ProductVersion::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build) + "." +
         std::to_string(revision);
}

bool ProductVersion::operator<(const ProductVersion& o) const {
  return std::tie(major, minor, build, revision) < std::tie(o.major, o.minor, o.build, o.revision);
}

std::string release_name(int major) {
  switch (major) {
    case 8: return "SQL Server 2000";
    case 9: return "SQL Server 2005";
    case 10: return "SQL Server 2008";
    case 11: return "SQL Server 2012";
    case 12: return "SQL Server 2014";
    case 13: return "SQL Server 2016";
    case 14: return "SQL Server 2017";
    case 15: return "SQL Server 2019";
    case 16: return "SQL Server 2022";
    case 17: return "SQL Server 2025";
    default: return "SQL Server " + std::to_string(major) + ".x";
  }
}

Finding evaluate_version(const std::string& product_version, const std::string& update_level, bool link_procedures) {
  auto v = ProductVersion::parse(product_version);
  if (!v)
    return fail("could not read the version: SERVERPROPERTY('ProductVersion') returned '" + product_version + "'",
                "check that the SQL target is a SQL Server instance");
  // "SQL Server 2019 CU15 (15.0.4198.2)"
  const std::string shown = release_name(v->major) + (update_level.empty() ? "" : " " + update_level) + " (" +
                            product_version + ")";
  if (v->major <= 12)
    return fail(shown + " is not supported by the Managed Instance link", kUpgrade);
  const std::string procedures = "sp_certificate_add_issuer and sp_get_endpoint_certificate";
  if (v->major == 13) {
    if (*v < k2016Sp3)
      return fail(shown + " is below SQL Server 2016 SP3 (13.0.6300.2), the oldest 2016 build the link supports",
                  "install SQL Server 2016 SP3 (KB5003279) and the Azure Connect feature pack (KB5014242), or " +
                      std::string(kUpgrade));
    if (!link_procedures)
      return fail(shown + " has no Azure Connect feature pack: " + procedures + " are missing",
                  "install the SQL Server 2016 Azure Connect feature pack (KB5014242, 13.0.7000.253), or " +
                      std::string(kUpgrade));
    return pass(shown + " with the Azure Connect feature pack (" + procedures + " exist)");
  }
  if (v->major == 14) {
    if (*v < k2017Cu31)
      return fail(shown + " is not supported by the link; only SQL Server 2017 CU31 (14.0.3456.2) with the Azure "
                          "Connect feature pack is",
                  "install SQL Server 2017 CU31 and the 2017 Azure Connect feature pack, or " + std::string(kUpgrade));
    if (!link_procedures)
      return fail(shown + " has no Azure Connect feature pack: " + procedures + " are missing",
                  "install the SQL Server 2017 Azure Connect feature pack (14.0.3490.10), or " + std::string(kUpgrade));
    return pass(shown + " with the Azure Connect feature pack (" + procedures + " exist)");
  }
  if (v->major == 15) {
    if (*v < k2019Cu20)
      return fail(shown + " is below SQL Server 2019 CU20 (15.0.4312.2), the link's minimum",
                  "install SQL Server 2019 CU20 (KB5024276) or a later cumulative update");
    return pass(shown);
  }
  if (v->major == 16) {
    if (*v < k2022Rtm)
      return fail(shown + " is a pre-release build of SQL Server 2022",
                  "install SQL Server 2022 RTM (16.0.1000.6) or later");
    return pass(shown);
  }
  if (v->major == 17) {
    if (*v < k2025Rtm)
      return fail(shown + " is a pre-release build of SQL Server 2025",
                  "install SQL Server 2025 RTM (17.0.1000.7) or later");
    return pass(shown);
  }
  return warn(shown + " is newer than the versions milink knows (2016 to 2025); assumed supported",
              "check the Managed Instance link documentation for this version");
}

Finding evaluate_edition(const std::string& edition) {
  const std::string e = lower(edition);
  if (e.empty())
    return fail("could not read the edition (SERVERPROPERTY('Edition') is NULL)",
                "check that the SQL target is a SQL Server instance");
  // SQL Server 2025 has "Standard Developer" and "Enterprise Developer":
  // the prefix says which features they have.
  if (starts_with(e, "standard"))
    return warn(edition + ": basic availability groups only (one database per availability group, as the link uses)",
                "supported for one database per link; multi-database links need Enterprise or Developer edition");
  if (starts_with(e, "enterprise") || starts_with(e, "developer") || starts_with(e, "evaluation"))
    return pass(edition);
  return fail(edition + " does not support availability groups, which the link needs",
              "use SQL Server Enterprise, Developer or Standard edition");
}

Finding evaluate_multi_database(const std::string& product_version, const std::string& edition,
                                bool multidb_procedure) {
  const char* one_by_one = "or link each database with its own link (workflows/replicate-databases.json)";
  auto v = ProductVersion::parse(product_version);
  const std::string shown = v ? release_name(v->major) + " (" + v->str() + ")" : "SQL Server " + product_version;
  if (!v || v->major < 16)
    return fail(shown + " cannot carry a multi-database link; it needs SQL Server 2022 CU27 or 2025 CU9 or later",
                std::string("upgrade to SQL Server 2022 CU27 or SQL Server 2025 CU9, ") + one_by_one);
  if (!multidb_procedure)
    return fail(shown + " has no sys.sp_multidb_milink, which a multi-database link needs (SQL Server 2022 CU27+, "
                        "2025 CU9+)",
                std::string("install SQL Server 2022 CU27 or SQL Server 2025 CU9 or a later cumulative update, ") +
                    one_by_one);
  const std::string e = lower(edition);
  if (!(starts_with(e, "enterprise") || starts_with(e, "developer") || starts_with(e, "evaluation")))
    return fail(edition + " cannot carry a multi-database link: its availability groups hold one database",
                std::string("use Enterprise or Developer edition, ") + one_by_one);
  return pass(shown + ", " + edition + ", sys.sp_multidb_milink present");
}

}  // namespace milink::preflight
