// workflows/replicate-databases-one-link.json and one-link-add-remove.json:
// one multi-database link (linkMode MultiDatabase) for five databases, end
// to end through TDS and HTTPS against the emulator; then two databases
// added and one removed on the running link, both sides; second runs change
// nothing; kill -9 at a step boundary and --resume; the refusals, both
// before any change (an api-version without linkMode, the link step's rule
// checked when the run starts; a database already in another link).
#include "link_rig.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>

using linkrig::check_all_ok;
using linkrig::first;
using linkrig::names;
using linkrig::numbered;
using linkrig::Rig;
using milink::sdk::Value;

namespace {

const char* kLink = "milink-databases";
const char* kSql2022 = "16.0.4175.1";

/// The multi-database link, brought up to now.
milink::emulator::LinkResource the_link(Rig& rig) {
  auto& world = rig.emulator.world();
  auto lock = world.lock();
  if (world.advance) world.advance();
  const auto* l = world.azure.find_link(kLink);
  REQUIRE(l != nullptr);
  return *l;
}

std::vector<std::string> link_databases(Rig& rig) { return linkrig::link_databases(rig, kLink); }

/// SQL Server's AG for the link: its databases.
std::vector<std::string> ag_databases(Rig& rig) {
  auto& world = rig.emulator.world();
  auto lock = world.lock();
  for (const auto& g : world.sql_server.availability_groups)
    if (!g.distributed && g.name == std::string("AG_") + kLink) return g.databases;
  return {};
}


}  // namespace

TEST_CASE("one multi-database link for five databases, then two added and one removed", "[workflows][multidb]") {
  auto all = numbered(7);
  auto five = first(all, 5);
  Rig rig(linkrig::scenario_with(all, kSql2022));
  rig.set_databases(five);
  auto r = rig.run("replicate-databases-one-link.json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  for (const char* s : {"cert", "trust", "endpoint", "ag", "dag", "link"}) CHECK(st[s] == "changed");
  CHECK((st["verify"] == "changed" || st["verify"] == "ok"));
  // One AG with the five databases, one DAG (after sp_multidb_milink), one link listing them all.
  CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 2);
  CHECK(rig.statements("EXEC sys.sp_multidb_milink").size() == 1);
  CHECK(ag_databases(rig) == five);
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 1);
  {
    auto lock = rig.emulator.world().lock();
    CHECK(rig.emulator.world().azure.links.size() == 1);
  }
  CHECK(link_databases(rig) == five);
  // Every database seeded on the managed instance, and Azure reports each one.
  REQUIRE(testsupport::eventually([&] {
    for (const auto& d : the_link(rig).databases)
      if (d.synchronization_health != "HEALTHY" || d.replica_state != "LinkSynchronizing") return false;
    return true;
  }));
  for (const auto& db : five) CHECK(rig.instance_databases()[db] == "ONLINE");
  // verify showed the seeding per database.
  for (const auto& db : five) CHECK(r.out.find("[" + db + "]: ") != std::string::npos);

  SECTION("a second run is a no-op") {
    auto again = rig.run("replicate-databases-one-link.json");
    REQUIRE(again.exit_code == 0);
    check_all_ok(again.out);
    CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 2);
    CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 1);
  }

  SECTION("add two databases and remove one on the running link, both sides") {
    rig.set_input("add", names({"db06", "db07"}));
    rig.set_input("remove", names({"db02"}));
    auto change = rig.run("one-link-add-remove.json");
    INFO(change.out << change.err);
    REQUIRE(change.exit_code == 0);
    auto cs = Rig::statuses(change.out);
    CHECK(cs["databases"] == "changed");
    CHECK(cs["verify"] != "failed");
    const std::vector<std::string> now{"db01", "db03", "db04", "db05", "db06", "db07"};
    CHECK(link_databases(rig) == now);
    CHECK(ag_databases(rig) == now);
    CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 2);  // remove first, then add
    CHECK(rig.statements("ALTER AVAILABILITY GROUP [AG_milink-databases] REMOVE DATABASE [db02]").size() == 1);
    CHECK(rig.statements("ALTER AVAILABILITY GROUP [AG_milink-databases] ADD DATABASE").size() == 2);
    // The added databases seeded; the removed one stays on the instance, on its own.
    REQUIRE(testsupport::eventually([&] { return linkrig::link_healthy(rig, kLink); }));
    for (const auto& db : now) CHECK(rig.instance_databases()[db] == "ONLINE");
    CHECK(rig.instance_databases()["db02"] == "ONLINE");
    {
      auto& world = rig.emulator.world();
      auto lock = world.lock();
      const auto* d = world.managed_instance.find_database("db02");
      REQUIRE(d != nullptr);
      CHECK(d->availability_group.empty());
      CHECK_FALSE(d->read_only);
    }

    // A second run changes nothing.
    auto again = rig.run("one-link-add-remove.json");
    REQUIRE(again.exit_code == 0);
    check_all_ok(again.out);
    CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 2);
    CHECK(link_databases(rig) == now);
  }
}

TEST_CASE("replicate-databases-one-link refuses an api-version without linkMode before any change",
          "[workflows][multidb]") {
  auto dbs = numbered(2);
  Rig rig(linkrig::scenario_with(dbs, kSql2022));
  rig.set_databases(dbs);
  rig.set_input("api_version", Value("2025-01-01"));
  auto r = rig.run("replicate-databases-one-link.json");
  std::string all = r.out + r.err;
  INFO(all);
  CHECK(r.exit_code == 2);
  // The link step's own rule, found when the run starts: every step is
  // configured with what is known then (run/step_config_check.hpp).
  CHECK(all.find("replicate-databases-one-link.json") != std::string::npos);
  CHECK(all.find("/with/link_mode") != std::string::npos);
  CHECK(all.find("step \"link\" (arm-link) refuses parameter \"link_mode\": api-version 2025-01-01 has no linkMode "
                 "(it came with 2025-02-01-preview); set api_version to 2025-08-01-preview, or leave link_mode out for "
                 "a single-database link") != std::string::npos);
  CHECK(all.find("nothing was run") != std::string::npos);
  // Nothing changed: no statement reached SQL Server, no request Azure.
  CHECK(rig.statements("CREATE").empty());
  CHECK(rig.arm_requests("PUT", "/") == 0);
  CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 0);
}

TEST_CASE("one-link-add-remove refuses a database already in another link", "[workflows][multidb]") {
  auto all = numbered(4);
  Rig rig(linkrig::scenario_with(all, kSql2022));
  // db04 gets its own (single-database) link first.
  rig.set_databases({"db04"});
  REQUIRE(rig.run("replicate-database.json").exit_code == 0);
  rig.set_databases(first(all, 3));
  REQUIRE(rig.run("replicate-databases-one-link.json").exit_code == 0);
  rig.set_input("add", names({"db04"}));
  auto r = rig.run("one-link-add-remove.json");
  CHECK(r.exit_code != 0);
  CHECK(Rig::statuses(r.out)["databases"] == "failed");
  std::string all_out = r.out + r.err;
  INFO(all_out);
  CHECK(all_out.find("database [db04] is already in the link") != std::string::npos);
  CHECK(all_out.find("DAG_db04") != std::string::npos);
  CHECK(all_out.find("a database can be in one link only. Remove it from that link first "
                     "(workflows/remove-link.json), or leave it out of add") != std::string::npos);
  CHECK(link_databases(rig) == first(all, 3));
  CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/") == 0);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP").empty());
}

TEST_CASE("replicate-databases-one-link: kill -9 after the AG, then --resume", "[workflows][multidb][resume]") {
  auto five = numbered(5);
  Rig rig(linkrig::scenario_with(five, kSql2022), "sql:latency=60,arm:latency=60");
  rig.set_databases(five);
  pid_t pid = rig.spawn("replicate-databases-one-link.json", {}, "first");
  REQUIRE(pid > 0);
  bool reached = testsupport::eventually([&] { return rig.finished_steps() >= 6; }, 60000);
  ::kill(pid, SIGKILL);
  testsupport::wait_for(pid);
  REQUIRE(reached);
  rig.emulator.faults().set("");
  auto r = rig.run("replicate-databases-one-link.json", {"--resume"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 2);
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == 1);
  CHECK(link_databases(rig) == five);
  REQUIRE(testsupport::eventually([&] { return linkrig::link_healthy(rig, kLink); }));
  for (const auto& db : five) CHECK(rig.instance_databases()[db] == "ONLINE");
  auto again = rig.run("replicate-databases-one-link.json");
  REQUIRE(again.exit_code == 0);
  check_all_ok(again.out);
}
