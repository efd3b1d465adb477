// The version and edition rules of the preflight step, directly: every
// release boundary of mission-facts §2.1 on both sides.
#include "version_check.hpp"

#include <catch2/catch.hpp>

using milink::preflight::evaluate_edition;
using milink::preflight::evaluate_version;
using milink::preflight::ProductVersion;
using milink::preflight::Verdict;

namespace {
/// With the link's procedures present (2016/2017: the Azure Connect pack installed).
Verdict version(const std::string& v) { return evaluate_version(v, "", true).verdict; }
/// Without them.
Verdict version_without_pack(const std::string& v) { return evaluate_version(v, "", false).verdict; }
}  // namespace

TEST_CASE("preflight parses SQL Server product versions", "[preflight]") {
  auto v = ProductVersion::parse("15.0.4198.2");
  REQUIRE(v);
  CHECK(v->major == 15);
  CHECK(v->build == 4198);
  CHECK(v->revision == 2);
  CHECK(ProductVersion::parse("16.0.1000")->str() == "16.0.1000.0");
  CHECK_FALSE(ProductVersion::parse(""));
  CHECK_FALSE(ProductVersion::parse("15"));
  CHECK_FALSE(ProductVersion::parse("15.0.x.2"));
  CHECK_FALSE(ProductVersion::parse("15..4198.2"));
  CHECK_FALSE(ProductVersion::parse("1.2.3.4.5"));
}

TEST_CASE("preflight version rules from SQL Server 2014 to 2025", "[preflight]") {
  CHECK(version("10.50.6000.34") == Verdict::Fail);
  CHECK(version("12.0.6024.0") == Verdict::Fail);
  // 2016: SP3 plus the Azure Connect pack, detected by its procedures
  CHECK(version("13.0.5026.0") == Verdict::Fail);
  CHECK(version("13.0.6300.2") == Verdict::Pass);
  CHECK(version_without_pack("13.0.6300.2") == Verdict::Fail);
  CHECK(version("13.0.7000.253") == Verdict::Pass);
  CHECK(version_without_pack("13.0.7000.253") == Verdict::Fail);
  // 2017: only CU31 with the Azure Connect pack
  CHECK(version("14.0.3451.2") == Verdict::Fail);
  CHECK(version("14.0.3456.2") == Verdict::Pass);
  CHECK(version_without_pack("14.0.3456.2") == Verdict::Fail);
  // 2019: CU20 minimum (the current docs; CU15 in older ones)
  CHECK(version("15.0.2000.5") == Verdict::Fail);
  CHECK(version("15.0.4188.2") == Verdict::Fail);
  CHECK(version("15.0.4198.2") == Verdict::Fail);
  CHECK(version("15.0.4261.1") == Verdict::Fail);
  CHECK(version("15.0.4312.2") == Verdict::Pass);
  CHECK(version("15.0.4355.3") == Verdict::Pass);
  // 2022 and 2025 from RTM; earlier builds are previews
  CHECK(version("16.0.600.9") == Verdict::Fail);
  CHECK(version("16.0.1000.6") == Verdict::Pass);
  CHECK(version("16.0.4003.1") == Verdict::Pass);
  CHECK(version("17.0.900.7") == Verdict::Fail);
  CHECK(version("17.0.1000.7") == Verdict::Pass);
  // unknown newer release: assumed supported, with a warning
  CHECK(version("18.0.1000.1") == Verdict::Warn);
  CHECK(version("not a version") == Verdict::Fail);
}

TEST_CASE("preflight version findings name the release, the CU and the remedy", "[preflight]") {
  auto cu15 = evaluate_version("15.0.4198.2", "CU15", true);
  CHECK(cu15.detail == "SQL Server 2019 CU15 (15.0.4198.2) is below SQL Server 2019 CU20 (15.0.4312.2), the link's minimum");
  CHECK(cu15.remedy == "install SQL Server 2019 CU20 (KB5024276) or a later cumulative update");
  auto sp3 = evaluate_version("13.0.6300.2", "", false);
  CHECK(sp3.detail == "SQL Server 2016 (13.0.6300.2) has no Azure Connect feature pack: sp_certificate_add_issuer and "
                      "sp_get_endpoint_certificate are missing");
  CHECK(sp3.remedy.find("KB5014242") != std::string::npos);
  CHECK(evaluate_version("16.0.4003.1", "CU1", true).detail == "SQL Server 2022 CU1 (16.0.4003.1)");
}

TEST_CASE("preflight edition rules", "[preflight]") {
  CHECK(evaluate_edition("Enterprise Edition (64-bit)").verdict == Verdict::Pass);
  CHECK(evaluate_edition("Enterprise Edition: Core-based Licensing (64-bit)").verdict == Verdict::Pass);
  CHECK(evaluate_edition("Developer Edition (64-bit)").verdict == Verdict::Pass);
  CHECK(evaluate_edition("Enterprise Evaluation Edition (64-bit)").verdict == Verdict::Pass);
  CHECK(evaluate_edition("Enterprise Developer Edition (64-bit)").verdict == Verdict::Pass);
  CHECK(evaluate_edition("Standard Edition (64-bit)").verdict == Verdict::Warn);
  CHECK(evaluate_edition("Standard Developer Edition (64-bit)").verdict == Verdict::Warn);
  CHECK(evaluate_edition("Express Edition (64-bit)").verdict == Verdict::Fail);
  CHECK(evaluate_edition("Express Edition with Advanced Services (64-bit)").verdict == Verdict::Fail);
  CHECK(evaluate_edition("Web Edition (64-bit)").verdict == Verdict::Fail);
  CHECK(evaluate_edition("SQL Azure").verdict == Verdict::Fail);
  CHECK(evaluate_edition("").verdict == Verdict::Fail);
}
