// The audit log of a real link: every SQL batch and ARM request milink
// sent, with its time, target and outcome, secrets masked; in the run
// directory by default, or where --log-file says.
#include "link_rig.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

using linkrig::Rig;

TEST_CASE("the audit log records every SQL statement and ARM request, secrets masked", "[workflows][audit]") {
  Rig rig;
  auto r = rig.run("replicate-database.json", {"--log-file", "audit.log"});
  REQUIRE(r.exit_code == 0);
  const std::string log = testsupport::read_file(rig.dir / "audit.log");
  // Entries: "<UTC time> SQL sqlserver -> ok" then the batch, indented.
  CHECK(std::regex_search(log, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z SQL sqlserver -> ok\n    )")));
  for (const char* sql : {"CREATE CERTIFICATE [Cert_sqlbox1_endpoint]", "CREATE ENDPOINT", "CREATE AVAILABILITY GROUP [AG_sales]",
                          "CREATE AVAILABILITY GROUP [DAG_sales]"}) {
    INFO(sql);
    CHECK(log.find(sql) != std::string::npos);
  }
  // Every statement SQL Server ran that changed something is in the log.
  for (const auto& s : rig.statements("CREATE AVAILABILITY GROUP")) CHECK(log.find(s.substr(0, 40)) != std::string::npos);
  CHECK(std::regex_search(log, std::regex(R"(Z ARM arm -> 20[012]\n    PUT https://127\.0\.0\.1:\d+/subscriptions/[^\n]*/distributedAvailabilityGroups/DAG_sales\?api-version=2025-01-01)")));
  CHECK(std::regex_search(log, std::regex(R"(Z ARM arm -> 200\n    GET https://)")));
  // The master key's password is masked, as everywhere.
  CHECK(log.find("CREATE MASTER KEY") != std::string::npos);
  CHECK(log.find(linkrig::kMasterKeyPassword) == std::string::npos);
  CHECK(log.find("***") != std::string::npos);

  SECTION("without --log-file, log.txt in the run directory") {
    auto again = rig.run("replicate-database.json");
    REQUIRE(again.exit_code == 0);
    std::filesystem::path newest;
    for (const auto& e : std::filesystem::directory_iterator(rig.dir / "state" / "runs"))
      if (newest.empty() || e.path().filename() > newest.filename()) newest = e.path();
    const std::string second = testsupport::read_file(newest / "log.txt");
    CHECK(second.find(" SQL sqlserver -> ok\n    SELECT") != std::string::npos);
    CHECK(second.find("CREATE ") == std::string::npos);  // a re-run only looks
  }
}
