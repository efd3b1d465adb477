// The link-sync steps against the emulator, through the real milink binary:
// replication-mode switches both sides (and a second run changes nothing),
// catch-up waits for equal, unchanged LSNs and tells the user to stop a
// workload that keeps them apart, wait-first-backup waits for the managed
// instance's first full backup after a failover. The statement log shows
// the order: sync on SQL Server before the LSNs are compared.
#include "link_rig.hpp"

#include "link/link_simulator.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using linkrig::Rig;
using milink::emulator::Personality;
using milink::sdk::Value;

namespace {

/// SQL Server 2022 CU14: T-SQL FAILOVER works, so the link can fail over to the instance.
const char* kSql2022 = "16.0.4135.4";

/// A one-step workflow running \p uses with \p with (a JSON object text);
/// inputs: database (default the config's first), poll_interval_ms.
std::string one_step(Rig& rig, const std::string& file, const std::string& uses, const std::string& with) {
  std::string text = R"({"milink": 1, "name": ")" + file + R"(",
    "inputs": {
      "mode": {"type": "string", "default": "sync"},
      "wait_seconds": {"type": "integer", "default": 30},
      "poll_interval_ms": {"type": "integer", "default": 50}
    },
    "steps": [{"id": "step", "uses": ")" + uses + R"(", "with": )" + with + R"(}]})";
  auto path = rig.dir / (file + ".json");
  testsupport::write_file(path, text);
  return path.string();
}

std::string mode_workflow(Rig& rig) {
  return one_step(rig, "mode", "replication-mode",
                  R"({"database": "${{ config.databases[0] }}", "mode": "${{ inputs.mode }}"})");
}

std::string catch_up_workflow(Rig& rig, int stable_seconds) {
  return one_step(rig, "catch-up", "catch-up",
                  R"({"database": "${{ config.databases[0] }}", "stable_seconds": )" + std::to_string(stable_seconds) +
                      R"(, "timeout_seconds": "${{ inputs.wait_seconds }}", "poll_interval_ms": "${{ inputs.poll_interval_ms }}"})");
}

std::string backup_workflow(Rig& rig) {
  return one_step(rig, "backup", "wait-first-backup",
                  R"({"database": "${{ config.databases[0] }}", "timeout_seconds": "${{ inputs.wait_seconds }}", "poll_interval_ms": "${{ inputs.poll_interval_ms }}"})");
}

/// The reason of step "step"'s step_end event in a --output json run.
std::string reason_of(const std::string& json_lines) {
  std::istringstream in(json_lines);
  std::string line, reason;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() != '{') continue;
    Value e = milink::sdk::parse_json(line);
    if (e.get("event") && e.get("event")->as_string() == "step_end" && e.get("step")->as_string() == "step")
      reason = e.get("reason")->as_string();
  }
  return reason;
}

/// A seeded link DAG_sales from replicate-database.json on SQL Server 2022.
struct Linked {
  Rig rig{linkrig::scenario_with({"sales"}, kSql2022)};
  Linked() { REQUIRE(rig.run("replicate-database.json").exit_code == 0); }

  /// The link's replicationMode in ARM and SQL Server's DAG members' availability modes.
  std::pair<std::string, std::vector<std::string>> modes() {
    Value d = rig.dump();
    std::string arm;
    for (const auto& l : d.get("links")->as_array())
      if (l.get("name")->as_string() == "DAG_sales") arm = l.get("replication_mode")->as_string();
    std::vector<std::string> sql;
    for (const auto& ag : d.get("sql_server")->get("availability_groups")->as_array())
      if (ag.get("name")->as_string() == "DAG_sales")
        for (const auto& r : ag.get("replicas")->as_array()) sql.push_back(r.get("availability_mode")->as_string());
    return {arm, sql};
  }
  /// The link's definition in ARM: everything but its replicationMode and runtime state.
  std::string definition() {
    auto lock = rig.emulator.world().lock();
    const auto* l = rig.emulator.world().azure.find_link("DAG_sales");
    REQUIRE(l != nullptr);
    std::string s = l->distributed_availability_group_id + " " + l->partner_endpoint + " " +
                    l->partner_availability_group_name + " " + l->instance_availability_group_name + " " +
                    l->instance_link_role + " " + l->failover_mode + " " + l->seeding_mode + " " +
                    l->created_with_api_version;
    for (const auto& d : l->databases) s += " " + d.name;
    return s;
  }
  void workload(double rate) {
    auto lock = rig.emulator.world().lock();
    REQUIRE(rig.emulator.links().set_workload(Personality::SqlServer, "sales", rate));
  }
  /// Positions in SQL Server's statement log of successful statements starting with \p prefix.
  std::vector<std::size_t> positions(const std::string& prefix) {
    std::vector<std::size_t> out;
    Value d = rig.dump();
    const auto& log = d.get("statement_log")->get("sql_server")->as_array();
    for (std::size_t i = 0; i < log.size(); ++i)
      if (log[i].get("ok")->as_bool() && log[i].get("text")->as_string().rfind(prefix, 0) == 0) out.push_back(i);
    return out;
  }
};

const char* kModify = "ALTER AVAILABILITY GROUP [DAG_sales]\n    MODIFY";
const char* kLsnQuery = "SELECT drs.is_local, drs.is_primary_replica, drs.last_hardened_lsn";

}  // namespace

TEST_CASE("replication-mode switches both sides, SQL Server first, a second run changes nothing", "[workflows][link-sync]") {
  Linked fx;
  auto before = fx.modes();
  CHECK(before.first == "Async");
  CHECK(before.second == std::vector<std::string>{"ASYNCHRONOUS_COMMIT", "ASYNCHRONOUS_COMMIT"});
  std::string wf = mode_workflow(fx.rig);
  const int puts = fx.rig.arm_requests("PUT", "distributedAvailabilityGroups/DAG_sales");  // the creation's
  const std::string definition = fx.definition();
  CHECK(definition.find(" Manual Automatic ") != std::string::npos);  // two-way, as created

  auto r = fx.rig.run(wf);
  REQUIRE(r.exit_code == 0);
  CHECK(Rig::statuses(r.out)["step"] == "changed");
  // Azure was changed with a PATCH of replicationMode alone, not a PUT of the
  // whole definition; nothing else of the link moved.
  auto patches = fx.rig.arm_bodies("PATCH", "distributedAvailabilityGroups/DAG_sales");
  REQUIRE(patches.size() == 1);
  CHECK(milink::sdk::parse_json(patches[0]) == milink::sdk::parse_json(R"({"properties":{"replicationMode":"Sync"}})"));
  CHECK(fx.rig.arm_requests("PUT", "distributedAvailabilityGroups/DAG_sales") == puts);
  CHECK(fx.definition() == definition);
  auto after = fx.modes();
  CHECK(after.first == "Sync");
  CHECK(after.second == std::vector<std::string>{"SYNCHRONOUS_COMMIT", "SYNCHRONOUS_COMMIT"});
  auto modify = fx.rig.statements(kModify);
  REQUIRE(modify.size() == 1);
  CHECK(modify[0].find("N'AG_sales' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT)") != std::string::npos);
  CHECK(modify[0].find("N'AG_sales_MI' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT)") != std::string::npos);

  SECTION("a second run observes both sides synchronous and changes nothing") {
    auto again = fx.rig.run(wf);
    REQUIRE(again.exit_code == 0);
    CHECK(Rig::statuses(again.out)["step"] == "ok");
    CHECK(reason_of(again.out) == "the link [DAG_sales] is synchronous on both sides");
    CHECK(fx.rig.statements(kModify).size() == 1);
    CHECK(fx.rig.arm_requests("PATCH", "distributedAvailabilityGroups/DAG_sales") == 1);
    CHECK(fx.rig.arm_requests("PUT", "distributedAvailabilityGroups/DAG_sales") == puts);
  }
  SECTION("back to async; a side already switched is left alone") {
    {  // Azure alone goes back first (a run stopped half-way): only SQL Server is left to change
      auto lock = fx.rig.emulator.world().lock();
      fx.rig.emulator.world().azure.find_link("DAG_sales")->replication_mode = "Async";
      fx.rig.emulator.links().replication_mode_changed("DAG_sales");
    }
    auto back = fx.rig.run(wf, {"--set", "mode=async"});
    REQUIRE(back.exit_code == 0);
    CHECK(Rig::statuses(back.out)["step"] == "changed");
    CHECK(fx.modes().second == std::vector<std::string>{"ASYNCHRONOUS_COMMIT", "ASYNCHRONOUS_COMMIT"});
    CHECK(fx.modes().first == "Async");
    CHECK(fx.rig.arm_requests("PATCH", "distributedAvailabilityGroups/DAG_sales") == 1);  // Azure left alone
    CHECK(fx.rig.arm_requests("PUT", "distributedAvailabilityGroups/DAG_sales") == puts);
    CHECK(fx.definition() == definition);
    CHECK(fx.rig.statements(kModify).size() == 2);
  }
}

TEST_CASE("catch-up fails with 'stop the workload' while one writes, and succeeds once it stops", "[workflows][link-sync]") {
  Linked fx;
  REQUIRE(fx.rig.run(mode_workflow(fx.rig)).exit_code == 0);
  std::string wf = catch_up_workflow(fx.rig, 1);
  fx.workload(4.0 * 1024 * 1024);

  auto running = fx.rig.run(wf, {"--set", "wait_seconds=2"});
  CHECK(running.exit_code != 0);
  CHECK(Rig::statuses(running.out)["step"] == "failed");
  std::string why = reason_of(running.out);
  CHECK(why.find("[sales] ") == 0);
  CHECK(why.find(" for 2 s (") != std::string::npos);
  CHECK(why.find("Stop the workload: stop the applications writing to the database on SQL Server") != std::string::npos);

  fx.workload(0);
  auto stopped = fx.rig.run(wf);
  REQUIRE(stopped.exit_code == 0);
  CHECK(Rig::statuses(stopped.out)["step"] == "changed");
  CHECK(reason_of(stopped.out).find("[sales] is caught up: last hardened LSN ") == 0);
  // The order the failover how-to gives: synchronous first, then equal LSNs.
  auto modify = fx.positions(kModify), looks = fx.positions(kLsnQuery);
  REQUIRE(modify.size() == 1);
  REQUIRE_FALSE(looks.empty());
  CHECK(modify.front() < looks.front());
  // catch-up only reads: no statement but its SELECTs since the switch.
  CHECK(fx.rig.statements("ALTER").size() == 1);
}

TEST_CASE("catch-up and replication-mode refuse a database that has no link", "[workflows][link-sync]") {
  Linked fx;
  fx.rig.set_databases({"nolink"});
  auto mode = fx.rig.run(mode_workflow(fx.rig));
  CHECK(mode.exit_code != 0);
  CHECK(reason_of(mode.out) ==
        "observe: there is no distributed availability group [DAG_nolink] on SQL Server (target sqlserver): create the "
        "link first "
        "(workflows/replicate-database.json), or set dag_name to the link's DAG");
  auto catch_up = fx.rig.run(catch_up_workflow(fx.rig, 1));
  CHECK(catch_up.exit_code != 0);
  CHECK(reason_of(catch_up.out) ==
        "observe: database [nolink] is not in distributed availability group [DAG_nolink] on SQL Server: there is no "
        "link to "
        "catch up (set dag_name to the link's DAG, or create the link first)");
}

TEST_CASE("replication-mode refuses a DAG whose link in Azure is gone", "[workflows][link-sync]") {
  Linked fx;
  {
    auto lock = fx.rig.emulator.world().lock();
    auto& links = fx.rig.emulator.world().azure.links;
    fx.rig.emulator.links().removed(links.front());
    links.clear();
  }
  auto r = fx.rig.run(mode_workflow(fx.rig));
  CHECK(r.exit_code != 0);
  CHECK(reason_of(r.out).find("observe: there is no link \"DAG_sales\" on managed instance ") == 0);
  CHECK(reason_of(r.out).find(": create it first (workflows/replicate-database.json), or set link_name") != std::string::npos);
}

TEST_CASE("catch-up's timeout must leave room for its stability window", "[workflows][link-sync]") {
  Linked fx;
  auto r = fx.rig.run(catch_up_workflow(fx.rig, 30), {"--set", "wait_seconds=30"});
  CHECK(r.exit_code != 0);
  CHECK((r.out + r.err).find("timeout_seconds (30) must be more than stable_seconds (30), or the LSNs could never be "
                             "seen stable") != std::string::npos);
}

TEST_CASE("wait-first-backup waits for the instance's first full backup after a failover", "[workflows][link-sync]") {
  Linked fx;
  std::string wf = backup_workflow(fx.rig);

  SECTION("before a failover the instance is secondary: it times out and says why") {
    auto r = fx.rig.run(wf, {"--set", "wait_seconds=1"});
    CHECK(r.exit_code != 0);
    CHECK(reason_of(r.out) ==
          "no full backup of [sales] on the managed instance after 1 s: the database is read-only there (ONLINE): it is "
          "still the link's secondary, so the service takes no backup yet; fail over to the managed instance first. Do "
          "not remove the link before the first full backup exists: without it the database may be unavailable after "
          "a restart.");
  }
  SECTION("a database the instance does not have") {
    fx.rig.set_databases({"nolink"});
    auto r = fx.rig.run(wf, {"--set", "wait_seconds=1"});
    CHECK(r.exit_code != 0);
    CHECK(reason_of(r.out).find("no full backup of [nolink] on the managed instance after 1 s: there is no database "
                                "[nolink] on the managed instance (target managed_instance): check the database name") == 0);
  }
  SECTION("after a planned failover to the instance, the backup comes and a second run is ok at once") {
    REQUIRE(fx.rig.run(mode_workflow(fx.rig)).exit_code == 0);
    REQUIRE(fx.rig.run(catch_up_workflow(fx.rig, 1)).exit_code == 0);
    // Started while the instance is still secondary: it finds no backup and waits.
    pid_t pid = fx.rig.spawn(wf, {}, "backup");
    REQUIRE(pid > 0);
    bool looked = testsupport::eventually(
        [&] { return !fx.rig.statements("SELECT backup_finish_date FROM msdb.dbo.backupset", "managed_instance").empty(); },
        60000);
    {  // the failover step's part: ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER on SQL Server
      auto lock = fx.rig.emulator.world().lock();
      auto result = fx.rig.emulator.links().sql_failover("DAG_sales", false);
      REQUIRE(result.error_number == 0);
    }
    int code = testsupport::wait_for(pid);
    REQUIRE(looked);
    std::string out = testsupport::read_file(fx.rig.dir / "backup.stdout");
    INFO(out);
    REQUIRE(code == 0);
    CHECK(Rig::statuses(out)["step"] == "changed");
    CHECK(reason_of(out).find("the managed instance's first full backup of [sales] finished at ") == 0);
    auto again = fx.rig.run(wf);
    REQUIRE(again.exit_code == 0);
    CHECK(Rig::statuses(again.out)["step"] == "ok");
  }
}
