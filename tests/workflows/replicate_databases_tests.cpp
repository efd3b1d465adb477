// workflows/replicate-databases.json: the shared steps once, then one AG,
// DAG, link and verification per database, in parallel; a database that
// fails does not stop the others.
#include "link_rig.hpp"

#include <catch2/catch.hpp>

using linkrig::numbered;
using linkrig::Rig;
using milink::sdk::Value;

TEST_CASE("replicate-databases links 20 databases sharing the certificate and endpoint", "[workflows]") {
  auto dbs = numbered(20);
  Rig rig(linkrig::scenario_with(dbs));
  rig.set_databases(dbs);
  auto r = rig.run("replicate-databases.json", {"--parallel", "8"});
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  for (const char* s : {"cert", "trust", "endpoint"}) CHECK(st[s] == "changed");
  for (const auto& db : dbs) {
    INFO(db);
    for (const char* s : {"ag", "dag", "seeding.link"}) CHECK(st["per_db[" + db + "]." + s] == "changed");
    // verify is ok when the link had already seeded by the time it looked.
    std::string v = st["per_db[" + db + "].seeding.verify"];
    CHECK((v == "changed" || v == "ok"));
    CHECK(rig.instance_databases()[db] == "ONLINE");
  }
  // Shared objects once; one AG and one DAG per database.
  CHECK(rig.statements("CREATE MASTER KEY").size() == 1);
  CHECK(rig.statements("CREATE ENDPOINT").size() == 1);
  CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 40);
  CHECK(rig.arm_requests("PUT", "/serverTrustCertificates/") == 1);
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 20);
  {
    auto lock = rig.emulator.world().lock();
    CHECK(rig.emulator.world().azure.links.size() == 20);
  }

  SECTION("a second run is a no-op") {
    auto again = rig.run("replicate-databases.json", {"--parallel", "8"});
    REQUIRE(again.exit_code == 0);
    for (const auto& [step, status] : Rig::statuses(again.out)) {
      INFO(step);
      if (step != "per_db") CHECK(status == "ok");
    }
    CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 40);
    CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 20);
  }
}

TEST_CASE("replicate-databases - a failing database does not stop the others and the summary names every one",
          "[workflows]") {
  // The default scenario: sales (FULL, backed up) and hr (SIMPLE, no backup).
  Rig rig;
  rig.set_databases({"sales", "hr", "missing_db"});
  auto r = rig.run("replicate-databases.json");
  CHECK(r.exit_code == 1);
  auto st = Rig::statuses(r.out);
  CHECK(st["per_db[sales].seeding.verify"] == "changed");
  CHECK(st["per_db[hr].db_preflight"] == "failed");
  CHECK(st["per_db[hr].ag"] == "skipped");
  CHECK(st["per_db[missing_db].db_preflight"] == "failed");
  CHECK(rig.instance_databases()["sales"] == "ONLINE");
  CHECK(rig.instance_databases().count("hr") == 0);
  // The text summary shows every database.
  auto text = testsupport::run({testsupport::milink_binary().string(), "run",
                                std::string(MILINK_WORKFLOWS_DIR) + "/replicate-databases.json", "-c", "config.json",
                                "--state-dir", "state"},
                               rig.dir.path());
  CHECK(text.exit_code == 1);
  std::string all = text.out + text.err;
  for (const char* key : {"per_db[sales]", "per_db[hr]", "per_db[missing_db]"}) CHECK(all.find(key) != std::string::npos);
}

TEST_CASE("replicate-databases links 20 databases with the seed api-version 2021-05-01-preview", "[workflows]") {
  auto dbs = numbered(20);
  Rig rig(linkrig::scenario_with(dbs));
  rig.set_databases(dbs);
  rig.set_input("api_version", Value("2021-05-01-preview"));
  auto r = rig.run("replicate-databases.json", {"--parallel", "8"});
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  for (const char* s : {"cert", "trust", "endpoint"}) CHECK(st[s] == "changed");
  for (const auto& db : dbs) {
    INFO(db);
    for (const char* s : {"ag", "dag", "seeding.link"}) CHECK(st["per_db[" + db + "]." + s] == "changed");
    std::string v = st["per_db[" + db + "].seeding.verify"];
    CHECK((v == "changed" || v == "ok"));
    CHECK(rig.instance_databases()[db] == "ONLINE");
  }
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 20);
  {
    // Every link was created in the seed's body shape, as its own DAG on
    // its own AG and instance availability group.
    auto lock = rig.emulator.world().lock();
    auto& azure = rig.emulator.world().azure;
    CHECK(azure.links.size() == 20);
    for (const auto& db : dbs) {
      INFO(db);
      const auto* link = azure.find_link("DAG_" + db);
      REQUIRE(link != nullptr);
      CHECK(link->created_with_api_version == "2021-05-01-preview");
      CHECK(link->partner_availability_group_name == "AG_" + db);
      CHECK(link->instance_availability_group_name == "AG_" + db + "_MI");
      REQUIRE(link->databases.size() == 1);
      CHECK(link->databases[0].name == db);
      CHECK(link->databases[0].connected_state == "CONNECTED");
    }
  }
  // A second run reads the links in the same shape and changes nothing.
  auto again = rig.run("replicate-databases.json", {"--parallel", "8"});
  REQUIRE(again.exit_code == 0);
  for (const auto& [step, status] : Rig::statuses(again.out)) {
    INFO(step);
    if (step != "per_db") CHECK(status == "ok");
  }
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 20);
}
