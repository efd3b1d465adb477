// workflows/migrate.json end to end against the emulator, through the real
// milink binary: on a two-way link (SQL Server 2022), the cutover switches
// both sides to synchronous, waits for equal LSNs, fails over to the
// managed instance, waits for the instance's first full backup, then
// removes the link and the DAG. The emulator's logs and the run's events
// prove the order the docs require. kill -9 at every step boundary (the
// step count read from the workflow), then --resume: one failover, one link
// deletion, and a further run that changes nothing.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include <unistd.h>

using linkrig::link;
using linkrig::Rig;
using milink::sdk::Value;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSql2022 = "16.0.4135.4";  // 2022 CU14: T-SQL FAILOVER for the link

/// Index in SQL Server's statement log of the first successful statement containing \p fragment, or -1.
long first_with(Rig& rig, const std::string& fragment) {
  Value d = rig.dump();
  const auto& log = d.get("statement_log")->get("sql_server")->as_array();
  for (std::size_t i = 0; i < log.size(); ++i)
    if (log[i].get("ok")->as_bool() && log[i].get("text")->as_string().find(fragment) != std::string::npos)
      return static_cast<long>(i);
  return -1;
}

/// Position of \p event for \p step among a --output json run's events, or -1.
long event_index(const std::string& out, const std::string& event, const std::string& step) {
  auto events = Rig::events(out);
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].get("event")->as_string() == event && events[i].get("step") &&
        events[i].get("step")->as_string() == step)
      return static_cast<long>(i);
  return -1;
}

/// Statements on SQL Server from position \p from on that change something.
std::vector<std::string> changes_since(Rig& rig, std::size_t from) {
  std::vector<std::string> out;
  Value d = rig.dump();
  const auto& log = d.get("statement_log")->get("sql_server")->as_array();
  for (std::size_t i = from; i < log.size(); ++i) {
    const std::string t = log[i].get("text")->as_string();
    if (t.find("ALTER ") != std::string::npos || t.find("DROP ") != std::string::npos ||
        t.find("CREATE ") != std::string::npos)
      out.push_back(t);
  }
  return out;
}

}  // namespace

TEST_CASE("migrate.json cuts a two-way link over: sync, catch up, fail over, first backup, then removal",
          "[workflows][migrate]") {
  Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
  link(rig, {"sales"});

  auto r = rig.run("migrate.json", {"--yes", "--set", "catch_up_stable_seconds=1"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["per_db[sales].sync"] == "changed");
  CHECK((st["per_db[sales].catch_up"] == "changed" || st["per_db[sales].catch_up"] == "ok"));
  CHECK(st["per_db[sales].failover"] == "changed");
  CHECK((st["per_db[sales].first_backup"] == "changed" || st["per_db[sales].first_backup"] == "ok"));
  CHECK(st["per_db[sales].remove_link"] == "changed");
  CHECK(st["per_db[sales].remove_dag"] == "changed");

  // The end state: the database is read-write on the instance, the link and
  // the DAG are gone, SQL Server's database is still there.
  CHECK(rig.instance_databases()["sales"] == "ONLINE");
  auto ags = rig.availability_groups();
  CHECK(std::find(ags.begin(), ags.end(), "DAG_sales") == ags.end());
  CHECK(rig.arm_requests("DELETE", "/distributedAvailabilityGroups/DAG_sales") == 1);

  // The order the docs require. On SQL Server: synchronous before the
  // failover, the LSNs read before it.
  const long sync = first_with(rig, "AVAILABILITY_MODE = SYNCHRONOUS_COMMIT");
  const long failover = first_with(rig, "ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER");
  REQUIRE(sync >= 0);
  REQUIRE(failover >= 0);
  CHECK(sync < failover);
  // Across both sides, by the run's events: caught up before the failover
  // began, the first backup seen before the link was deleted.
  CHECK(event_index(r.out, "step_end", "per_db[sales].catch_up") <
        event_index(r.out, "step_start", "per_db[sales].failover"));
  CHECK(event_index(r.out, "step_end", "per_db[sales].first_backup") <
        event_index(r.out, "step_start", "per_db[sales].remove_link"));
  CHECK(event_index(r.out, "step_end", "per_db[sales].first_backup") >= 0);

  // A second run after the removal changes nothing: the state step finds the
  // database standing alone on the instance, the removal steps find nothing left.
  const auto statements_before = rig.dump().get("statement_log")->get("sql_server")->as_array().size();
  auto again = rig.run("migrate.json", {"--set", "catch_up_stable_seconds=1"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  auto st2 = Rig::statuses(again.out);
  CHECK(st2["per_db[sales].state"] == "ok");
  CHECK(Rig::reason_of(again.out, "per_db[sales].state").find("removed") != std::string::npos);
  CHECK(st2["per_db[sales].sync"] == "skipped");
  CHECK(st2["per_db[sales].catch_up"] == "skipped");
  CHECK(st2["per_db[sales].failover"] == "skipped");
  CHECK(st2["per_db[sales].first_backup"] == "ok");
  CHECK(st2["per_db[sales].remove_link"] == "ok");
  CHECK(st2["per_db[sales].remove_dag"] == "ok");
  CHECK(rig.arm_requests("DELETE", "/distributedAvailabilityGroups/DAG_sales") == 1);
  // Reads only on SQL Server: no statement that changes anything.
  CHECK(changes_since(rig, statements_before).empty());
}

TEST_CASE("migrate.json on a database that was never linked says to create the link first, and changes nothing",
          "[workflows][migrate]") {
  Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
  auto r = rig.run("migrate.json", {"--yes"});
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(Rig::reason_of(r.out, "per_db[sales].state").find("database [sales] has no link \"DAG_sales\" on managed instance mi1 and is not on the "
                             "instance: there is nothing to cut over. Create the link first") != std::string::npos);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP").empty());
  CHECK(rig.arm_requests("DELETE", "/distributedAvailabilityGroups/") == 0);
}

TEST_CASE("migrate.json: kill -9 at a step boundary, then --resume finishes the cutover once",
          "[workflows][migrate][resume]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}, kSql2022));
  link(rig, {"sales", "hr"});
  fs::remove_all(rig.dir / "state");  // only the cutover's journal from here on
  rig.emulator.faults().set("sql:latency=100,arm:latency=100");
  pid_t pid = rig.spawn("migrate.json", {"--parallel", "1", "--yes", "--set", "catch_up_stable_seconds=1"}, "first");
  REQUIRE(pid > 0);
  bool reached = rig.wait_for_step_end();
  ::kill(pid, SIGKILL);
  testsupport::wait_for(pid);
  REQUIRE(reached);
  rig.emulator.faults().set("");

  auto r = rig.run("migrate.json", {"--resume", "--yes", "--set", "catch_up_stable_seconds=1"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* db : {"sales", "hr"}) {
    INFO(db);
    CHECK(rig.instance_databases()[db] == "ONLINE");
    CHECK(rig.statements(std::string("ALTER AVAILABILITY GROUP [DAG_") + db + "] FAILOVER").size() == 1);
    CHECK(rig.arm_requests("DELETE", std::string("/distributedAvailabilityGroups/DAG_") + db) == 1);
  }
  auto ags = rig.availability_groups();
  CHECK(std::find(ags.begin(), ags.end(), "DAG_sales") == ags.end());
  CHECK(std::find(ags.begin(), ags.end(), "DAG_hr") == ags.end());
}

namespace {

/// How many steps a run of migrate.json ends per database: the steps of its
/// per-database group (or 1 for a step outside any group), read from the workflow.
int migrate_steps_per_database() {
  Value wf = milink::sdk::parse_json(testsupport::read_file(fs::path(MILINK_WORKFLOWS_DIR) / "migrate.json"));
  int n = 0;
  for (const auto& step : wf.get("steps")->as_array())
    n += step.get("steps") ? static_cast<int>(step.get("steps")->as_array().size()) : 1;
  return n;
}

/// ARM requests that change something (PUT, PATCH, POST, DELETE) on the link.
int link_changes(Rig& rig) {
  int n = 0;
  for (const char* m : {"PUT", "PATCH", "POST", "DELETE"}) n += rig.arm_requests(m, "/distributedAvailabilityGroups/");
  return n;
}

}  // namespace

TEST_CASE("migrate.json: kill -9 at every step boundary, then --resume cuts over once, and a further run is a no-op",
          "[workflows][migrate][resume][slow]") {
  const int steps = migrate_steps_per_database();
  REQUIRE(steps >= 5);  // state, sync, catch_up, failover, ... remove_dag
  const std::vector<std::string> args{"--parallel", "1", "--yes", "--set", "catch_up_stable_seconds=1"};
  // Killing after the last step ends would leave nothing to resume: every boundary before it.
  for (int boundary = 1; boundary < steps; ++boundary) {
    DYNAMIC_SECTION("killed after " << boundary << " of " << steps << " steps") {
      Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
      link(rig, {"sales"});
      fs::remove_all(rig.dir / "state");  // only the cutover's journal from here on
      const int link_puts = rig.arm_requests("PUT", "/distributedAvailabilityGroups/");
      rig.emulator.faults().set("sql:latency=100,arm:latency=100");
      pid_t pid = rig.spawn("migrate.json", args, "first");
      REQUIRE(pid > 0);
      bool reached = testsupport::eventually([&] { return rig.finished_steps() >= boundary; }, 120000);
      ::kill(pid, SIGKILL);
      testsupport::wait_for(pid);
      REQUIRE(reached);
      CHECK(rig.finished_steps() < steps);  // killed part-way, not after the end
      rig.emulator.faults().set("");

      std::vector<std::string> resume{"--resume"};
      resume.insert(resume.end(), args.begin(), args.end());
      auto r = rig.run("migrate.json", resume);
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
      // The journal of the first run and the resumed one together end every step once.
      CHECK(rig.finished_steps() >= steps);

      // Cut over exactly once: synchronous once, failed over once, the link
      // deleted once, the DAG gone, the database read-write on the instance.
      CHECK(rig.instance_databases()["sales"] == "ONLINE");
      CHECK(rig.statements("ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER").size() == 1);
      CHECK(rig.statements("ALTER AVAILABILITY GROUP [DAG_sales]\n    MODIFY").size() == 1);
      CHECK(rig.arm_requests("PATCH", "/distributedAvailabilityGroups/DAG_sales") == 1);
      CHECK(rig.arm_requests("DELETE", "/distributedAvailabilityGroups/DAG_sales") == 1);
      CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/") == link_puts);
      auto ags = rig.availability_groups();
      CHECK(std::find(ags.begin(), ags.end(), "DAG_sales") == ags.end());
      CHECK(std::find(ags.begin(), ags.end(), "AG_sales") != ags.end());  // drop_ag is off
      {
        auto lock = rig.emulator.world().lock();
        CHECK(rig.emulator.world().azure.find_link("DAG_sales") == nullptr);
      }

      // A further run changes nothing on either side.
      const auto statements = rig.dump().get("statement_log")->get("sql_server")->as_array().size();
      const int arm_changes = link_changes(rig);
      auto again = rig.run("migrate.json", {"--set", "catch_up_stable_seconds=1"});
      INFO(again.out << again.err);
      CHECK(again.exit_code == 0);
      auto st = Rig::statuses(again.out);
      CHECK(st["per_db[sales].state"] == "ok");
      CHECK(st["per_db[sales].failover"] == "skipped");
      CHECK(st["per_db[sales].remove_link"] == "ok");
      CHECK(st["per_db[sales].remove_dag"] == "ok");
      CHECK(changes_since(rig, statements).empty());
      CHECK(link_changes(rig) == arm_changes);
    }
  }
}

TEST_CASE("migrate.json with remove_link=false keeps the two-way link after the cutover, and asks first",
          "[workflows][migrate]") {
  Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
  link(rig, {"sales"});

  // No terminal and no --yes: refused before anything changes.
  auto refused = rig.run("migrate.json", {"--set", "remove_link=false", "--set", "catch_up_stable_seconds=1"});
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 3);
  // The failover could not be planned ahead (the link is not synchronous
  // yet): it is listed as what the run may do, with the reason.
  CHECK(refused.err.find("  - per_db[sales].failover: may run failover, which fails a link over to the managed instance "
                         "or back to SQL Server, planned or forced; not decided before the run: ") != std::string::npos);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP").empty());

  auto r = rig.run("migrate.json", {"--yes", "--set", "remove_link=false", "--set", "catch_up_stable_seconds=1"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["per_db[sales].failover"] == "changed");
  CHECK(st["per_db[sales].remove_link"] == "skipped");
  CHECK(st["per_db[sales].remove_dag"] == "skipped");
  auto ags = rig.availability_groups();
  CHECK(std::find(ags.begin(), ags.end(), "DAG_sales") != ags.end());
  CHECK(rig.arm_requests("DELETE", "/distributedAvailabilityGroups/") == 0);
  CHECK(rig.instance_databases()["sales"] == "ONLINE");

  // The link stays: a second run finds everything done and changes nothing.
  auto again = rig.run("migrate.json", {"--set", "remove_link=false", "--set", "catch_up_stable_seconds=1"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  auto st2 = Rig::statuses(again.out);
  // The state step finds the instance primary; the cutover's own steps are skipped.
  CHECK(st2["per_db[sales].state"] == "ok");
  CHECK(st2["per_db[sales].sync"] == "skipped");
  CHECK(st2["per_db[sales].catch_up"] == "skipped");
  CHECK(st2["per_db[sales].failover"] == "skipped");
  CHECK(rig.statements("ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER").size() == 1);
}
