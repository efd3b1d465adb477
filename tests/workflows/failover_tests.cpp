// workflows/failover.json and failback.json end to end against the emulator,
// through the real milink binary: a planned failover to the managed
// instance and back on a two-way link; planned refused while the secondary
// is behind (and for versions or links that do not allow it); a forced
// failover with a lagging secondary that reports the log it loses, leaves
// or resolves the split brain; forced failback; each workflow's second run
// a no-op; kill -9 between steps then --resume; the refusal without --yes
// when stdin is not a terminal. The order shows in the emulator's statement
// log and ARM request log.
#include "link_rig.hpp"

#include "link/link_simulator.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <unistd.h>

using linkrig::link;
using linkrig::link_now;
using linkrig::Rig;
using milink::emulator::AvailabilityMode;
using milink::emulator::Personality;
using milink::sdk::Value;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSql2022 = "16.0.4135.4";  // 2022 CU14: T-SQL FAILOVER for the link
constexpr double kMiB = 1024.0 * 1024;

/// What the replication-mode step does (another plugin's job): SQL Server's
/// DAG members SYNCHRONOUS_COMMIT and the link's replicationMode Sync.
void make_sync(Rig& rig, const std::string& db) {
  auto& world = rig.emulator.world();
  auto lock = world.lock();
  for (auto& ag : world.sql_server.availability_groups)
    if (ag.name == "DAG_" + db)
      for (auto& r : ag.replicas) r.availability_mode = AvailabilityMode::Synchronous;
  world.azure.find_link("DAG_" + db)->replication_mode = "Sync";
  rig.emulator.links().replication_mode_changed("DAG_" + db);
}

void workload(Rig& rig, Personality p, const std::string& db, double rate) {
  auto lock = rig.emulator.world().lock();
  REQUIRE(rig.emulator.links().set_workload(p, db, rate));
}

std::string instance_role(Rig& rig, const std::string& db) { return link_now(rig, db).instance_link_role; }
std::string partner_role(Rig& rig, const std::string& db) { return link_now(rig, db).partner_link_role; }

/// SQL Server's local role in the DAG and its database's last hardened LSN, from the dump.
std::string sql_role(Rig& rig, const std::string& db) {
  Value d = rig.dump();
  for (const auto& ag : d.get("sql_server")->get("availability_groups")->as_array())
    if (ag.get("name")->as_string() == "DAG_" + db)
      for (const auto& r : ag.get("replicas")->as_array())
        if (r.get("is_local")->as_bool()) return r.get("runtime")->get("role")->as_string();
  return "";
}

/// The value of \p step's output \p name in a --output json run ("" when absent).
std::string output_of(const std::string& out, const std::string& step, const std::string& name) {
  for (auto& e : Rig::events(out))
    if (e.get("event")->as_string() == "step_end" && e.get("step")->as_string() == step)
      if (const Value* o = e.get("outputs"))
        if (const Value* v = o->get(name)) return v->as_string();
  return {};
}

/// The destructive actions a run listed before it changed anything, one description a line ("" when none).
std::string listed(const std::string& out) {
  std::string text;
  for (auto& e : Rig::events(out))
    if (e.get("event")->as_string() == "destructive_actions")
      for (const auto& a : e.get("actions")->as_array()) text += a.get("description")->as_string() + "\n";
  return text;
}

/// Index in SQL Server's statement log of the first successful statement starting with \p prefix, or -1.
long position(Rig& rig, const std::string& prefix) {
  Value d = rig.dump();
  const auto& log = d.get("statement_log")->get("sql_server")->as_array();
  for (std::size_t i = 0; i < log.size(); ++i)
    if (log[i].get("ok")->as_bool() && log[i].get("text")->as_string().rfind(prefix, 0) == 0) return static_cast<long>(i);
  return -1;
}

/// The last successful statement on SQL Server before index \p before that contains \p fragment, or -1.
long last_before(Rig& rig, long before, const std::string& fragment) {
  Value d = rig.dump();
  const auto& log = d.get("statement_log")->get("sql_server")->as_array();
  long found = -1;
  for (long i = 0; i < before && i < static_cast<long>(log.size()); ++i)
    if (log[i].get("ok")->as_bool() && log[i].get("text")->as_string().find(fragment) != std::string::npos) found = i;
  return found;
}

}  // namespace

TEST_CASE("failover.json then failback.json: planned, the roles swap and swap back, second runs change nothing",
          "[workflows][failover]") {
  Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
  link(rig, {"sales"});
  make_sync(rig, "sales");

  auto r = rig.run("failover.json", {"--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Rig::statuses(r.out)["per_db[sales].failover"] == "changed");
  CHECK(output_of(r.out, "per_db[sales].failover", "primary") == "instance");
  CHECK(instance_role(rig, "sales") == "Primary");
  CHECK(partner_role(rig, "sales") == "Secondary");
  CHECK(sql_role(rig, "sales") == "SECONDARY");
  CHECK(rig.instance_databases()["sales"] == "ONLINE");
  REQUIRE(rig.statements("ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER").size() == 1);
  // The statement log: the step read the DAG's LSNs and modes, then failed over.
  long failover = position(rig, "ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER");
  CHECK(last_before(rig, failover, "sys.dm_hadr_database_replica_states") >= 0);
  CHECK(last_before(rig, failover, "sys.availability_replicas") >= 0);
  CHECK(rig.arm_requests("POST", "/failover") == 0);  // to the instance: T-SQL on SQL Server

  auto again = rig.run("failover.json");
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);  // nothing to do: no question, no --yes needed
  CHECK(Rig::statuses(again.out)["per_db[sales].failover"] == "ok");
  CHECK(Rig::reason_of(again.out, "per_db[sales].failover") ==
        "the managed instance mi1 is already the primary of link DAG_sales (SQL Server SECONDARY, managed instance "
        "mi1 Primary)");
  CHECK(listed(again.out).empty());
  CHECK(rig.statements("ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER").size() == 1);

  // Fail back: ARM's planned failover, from the instance (primary).
  auto back = rig.run("failback.json", {"--yes"});
  INFO(back.out << back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(Rig::statuses(back.out)["per_db[sales].failback"] == "changed");
  CHECK(instance_role(rig, "sales") == "Secondary");
  CHECK(partner_role(rig, "sales") == "Primary");
  CHECK(sql_role(rig, "sales") == "PRIMARY");
  CHECK(rig.arm_requests("POST", "/distributedAvailabilityGroups/DAG_sales/failover") == 1);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP").size() == 1);  // only the first FAILOVER

  auto back_again = rig.run("failback.json");
  REQUIRE(back_again.exit_code == 0);
  CHECK(Rig::statuses(back_again.out)["per_db[sales].failback"] == "ok");
  CHECK(rig.arm_requests("POST", "/failover") == 1);
}

TEST_CASE("failover.json refuses a planned failover while the secondary is behind, and changes nothing",
          "[workflows][failover]") {
  Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
  link(rig, {"sales"});
  workload(rig, Personality::SqlServer, "sales", kMiB);  // asynchronous: the instance trails
  REQUIRE(testsupport::eventually(
      [&] { return link_now(rig, "sales").databases[0].instance_redo_lag_seconds.value_or(0) >= 1; }));
  auto r = rig.run("failover.json", {"--yes"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(Rig::statuses(r.out)["per_db[sales].failover"] == "failed");
  std::string reason = Rig::reason_of(r.out, "per_db[sales].failover");
  CHECK(reason.find("a planned failover needs the link synchronous on both sides with equal last hardened LSNs, and "
                    "SQL Server's distributed availability group is not synchronous (") != std::string::npos);
  CHECK(reason.find("the link's replicationMode in Azure is Async, not Sync") != std::string::npos);
  CHECK(reason.find("the managed instance mi1 is behind: its last hardened LSN is ") != std::string::npos);
  CHECK(reason.find("(SQL Server refuses ALTER AVAILABILITY GROUP ... FAILOVER then with Msg 41142). Switch both "
                    "sides to synchronous (the replication-mode step, mode sync), stop the workload on SQL Server "
                    "sqlbox1 and wait for the LSNs to match (the catch-up step), then run this again") !=
        std::string::npos);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP").empty());
  CHECK(instance_role(rig, "sales") == "Secondary");
  CHECK(sql_role(rig, "sales") == "PRIMARY");

  // Synchronous, the workload stopped, the LSNs equal: it goes.
  workload(rig, Personality::SqlServer, "sales", 0);
  make_sync(rig, "sales");
  REQUIRE(testsupport::eventually([&] {
    auto d = link_now(rig, "sales").databases[0];
    return d.synchronization_health == "HEALTHY" && d.instance_redo_lag_seconds.value_or(0) == 0;
  }));
  auto ok = rig.run("failover.json", {"--yes"});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(instance_role(rig, "sales") == "Primary");
}

TEST_CASE("failover.json and failback.json refuse what the versions or the link do not allow", "[workflows][failover]") {
  SECTION("planned to the instance before SQL Server 2022 CU13") {
    Rig rig(linkrig::scenario_with({"sales"}, "16.0.4115.5"));
    link(rig, {"sales"});
    make_sync(rig, "sales");
    auto r = rig.run("failover.json", {"--yes"});
    CHECK(r.exit_code == 1);
    CHECK(Rig::reason_of(r.out, "per_db[sales].failover") ==
          "observe: a planned failover to the managed instance that keeps the link runs ALTER AVAILABILITY GROUP ... "
          "FAILOVER on SQL Server, which needs SQL Server 2022 CU13 (16.0.4125) or later; SQL Server 16.0.4115.5 is "
          "older. Update SQL Server, or cut over by removing the link once it has caught up (SQL Server 2016/2019), "
          "or use type forced");
    CHECK(rig.statements("ALTER AVAILABILITY GROUP").empty());
  }
  SECTION("SQL Server 2019: forced to the instance leaves the split brain; no failing back") {
    Rig rig(linkrig::scenario_with({"sales"}));
    link(rig, {"sales"});
    auto forced = rig.run("failover.json", {"--set", "type=forced", "--set", "acknowledge_data_loss=true", "--yes"});
    INFO(forced.out << forced.err);
    CHECK(forced.exit_code == 0);
    CHECK(instance_role(rig, "sales") == "Primary");
    CHECK(sql_role(rig, "sales") == "PRIMARY");  // SQL Server 2019 cannot be the instance's secondary
    CHECK(forced.out.find("split brain: both sides of link DAG_sales are primary (SQL Server PRIMARY, managed instance "
                          "mi1 Primary); SQL Server 15.0.4312.2 is older than 2022 and cannot be the managed "
                          "instance's secondary: remove the link (workflows/remove-link.json) to end it") !=
          std::string::npos);
    CHECK(rig.statements("ALTER AVAILABILITY GROUP").empty());
    auto r = rig.run("failback.json", {"--yes"});
    CHECK(r.exit_code == 1);
    CHECK(Rig::reason_of(r.out, "per_db[sales].failback") ==
          "observe: SQL Server 15.0.4312.2 is older than 2022: a link to it is one-way, and the managed instance "
          "cannot fail back to it. Copy the data back another way (e.g. a backup of the instance's database)");
    CHECK(rig.arm_requests("POST", "/failover") == 1);  // only the forced one
  }
  SECTION("a one-way link on SQL Server 2022") {
    Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
    rig.set_input("failover_mode", Value("none"));
    link(rig, {"sales"});
    make_sync(rig, "sales");
    auto r = rig.run("failover.json", {"--yes"});
    CHECK(r.exit_code == 1);
    INFO(r.out);
    CHECK(Rig::reason_of(r.out, "per_db[sales].failover")
              .rfind("observe: the link is one-way (failoverMode None): a planned failover keeps the link with SQL "
                     "Server as the instance's secondary, which needs a two-way link (failoverMode Manual)",
                     0) == 0);
  }
  SECTION("forced without acknowledge_data_loss") {
    Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
    link(rig, {"sales"});
    auto r = rig.run("failover.json", {"--set", "type=forced", "--yes"});
    CHECK(r.exit_code != 0);
    INFO(r.out << r.err);
    const std::string all = r.out + r.err;
    CHECK(all.find("acknowledge_data_loss") != std::string::npos);
    CHECK(all.find("a forced failover (ForcedAllowDataLoss) makes the managed instance primary with only the log it "
                   "has hardened: every transaction the current primary has not yet sent to it is lost") !=
          std::string::npos);
    CHECK(all.find("Set acknowledge_data_loss to true (--set acknowledge_data_loss=true) to accept that, or use type "
                   "planned, which loses nothing") != std::string::npos);
    CHECK(rig.arm_requests("POST", "/failover") == 0);
    CHECK(instance_role(rig, "sales") == "Secondary");
  }
}

TEST_CASE("failover.json forced with a lagging secondary: the log lost, split brain left, then resolved",
          "[workflows][failover]") {
  Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
  link(rig, {"sales"});
  workload(rig, Personality::SqlServer, "sales", kMiB);
  REQUIRE(testsupport::eventually(
      [&] { return link_now(rig, "sales").databases[0].instance_redo_lag_seconds.value_or(0) >= 1; }));

  auto r = rig.run("failover.json", {"--set", "type=forced", "--set", "acknowledge_data_loss=true", "--set",
                                     "resolve_split_brain=false", "--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Rig::statuses(r.out)["per_db[sales].failover"] == "changed");
  CHECK(listed(r.out).find("forced failover of link DAG_sales (database sales) to the managed instance mi1: POST "
                           "failover ForcedAllowDataLoss; the log it has not hardened is lost (LSN gap now ") !=
        std::string::npos);
  CHECK(listed(r.out).find("SET (ROLE = SECONDARY)") == std::string::npos);  // resolve_split_brain=false
  const std::string gap = output_of(r.out, "per_db[sales].failover", "data_loss_lsn_gap");
  REQUIRE_FALSE(gap.empty());
  CHECK(std::stoll(gap) > 0);
  CHECK(r.out.find("forced failover of link DAG_sales: the managed instance mi1 has hardened up to LSN ") !=
        std::string::npos);
  CHECK(r.out.find(": LSN gap " + gap + " is lost (log send queue ") != std::string::npos);
  CHECK(r.out.find("split brain: both sides of link DAG_sales are primary (SQL Server PRIMARY, managed instance mi1 "
                   "Primary); resolve_split_brain is false: make SQL Server sqlbox1 secondary yourself") !=
        std::string::npos);
  CHECK(rig.arm_requests("POST", "/distributedAvailabilityGroups/DAG_sales/failover") == 1);
  CHECK(instance_role(rig, "sales") == "Primary");
  CHECK(partner_role(rig, "sales") == "Primary");  // split brain
  CHECK(sql_role(rig, "sales") == "PRIMARY");
  CHECK(rig.statements("ALTER AVAILABILITY GROUP").empty());

  // Again, resolving: SQL Server steps down; no second failover.
  auto resolve = rig.run("failover.json", {"--set", "type=forced", "--set", "acknowledge_data_loss=true", "--yes"});
  INFO(resolve.out << resolve.err);
  REQUIRE(resolve.exit_code == 0);
  CHECK(Rig::statuses(resolve.out)["per_db[sales].failover"] == "changed");
  CHECK(listed(resolve.out) ==
        "ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY) on sqlbox1 (ends the split brain; its changes "
        "since the failover are discarded)\n");
  CHECK(rig.arm_requests("POST", "/failover") == 1);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY)").size() == 1);
  CHECK(sql_role(rig, "sales") == "SECONDARY");
  CHECK(partner_role(rig, "sales") == "Secondary");
  CHECK(instance_role(rig, "sales") == "Primary");

  auto again = rig.run("failover.json", {"--set", "type=forced", "--set", "acknowledge_data_loss=true"});
  REQUIRE(again.exit_code == 0);
  CHECK(Rig::statuses(again.out)["per_db[sales].failover"] == "ok");
  CHECK(rig.arm_requests("POST", "/failover") == 1);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP").size() == 1);
}

TEST_CASE("failback.json forced: FORCE_FAILOVER_ALLOW_DATA_LOSS on SQL Server, then setRole demotes the instance",
          "[workflows][failover]") {
  Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
  link(rig, {"sales"});
  make_sync(rig, "sales");
  REQUIRE(rig.run("failover.json", {"--yes"}).exit_code == 0);
  REQUIRE(instance_role(rig, "sales") == "Primary");

  auto r = rig.run("failback.json", {"--set", "type=forced", "--set", "acknowledge_data_loss=true", "--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(output_of(r.out, "per_db[sales].failback", "data_loss_lsn_gap") == "0");  // synchronous: nothing lost
  CHECK(rig.statements("ALTER AVAILABILITY GROUP [DAG_sales] FORCE_FAILOVER_ALLOW_DATA_LOSS").size() == 1);
  CHECK(rig.arm_requests("POST", "/distributedAvailabilityGroups/DAG_sales/setRole") == 1);
  CHECK(sql_role(rig, "sales") == "PRIMARY");
  CHECK(instance_role(rig, "sales") == "Secondary");
  CHECK(partner_role(rig, "sales") == "Primary");
}

TEST_CASE("failover.json refuses without --yes when stdin is not a terminal, and changes nothing",
          "[workflows][failover]") {
  Rig rig(linkrig::scenario_with({"sales"}, kSql2022));
  link(rig, {"sales"});
  make_sync(rig, "sales");
  auto r = rig.run("failover.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("milink: this run will delete or drop:\n  - per_db[sales].failover: planned failover of link "
                   "DAG_sales (database sales) to the managed instance mi1: ALTER AVAILABILITY GROUP [DAG_sales] "
                   "FAILOVER on sqlbox1\n") != std::string::npos);
  CHECK(r.err.find("stdin is not a terminal to confirm it; pass --yes to go ahead. Nothing was changed") !=
        std::string::npos);
  CHECK(r.out.find("\"step_start\"") == std::string::npos);
  CHECK(rig.statements("ALTER AVAILABILITY GROUP").empty());
  CHECK(instance_role(rig, "sales") == "Secondary");
}

TEST_CASE("failover.json: kill -9 between databases, then --resume fails over the rest once",
          "[workflows][failover][resume]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}, kSql2022));
  link(rig, {"sales", "hr"});
  make_sync(rig, "sales");
  make_sync(rig, "hr");
  fs::remove_all(rig.dir / "state");  // only the failover's journal from here on
  rig.emulator.faults().set("sql:latency=100,arm:latency=100");
  pid_t pid = rig.spawn("failover.json", {"--parallel", "1", "--yes"}, "first");
  REQUIRE(pid > 0);
  bool reached = rig.wait_for_step_end();
  ::kill(pid, SIGKILL);
  testsupport::wait_for(pid);
  REQUIRE(reached);
  rig.emulator.faults().set("");

  auto r = rig.run("failover.json", {"--resume", "--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* db : {"sales", "hr"}) {
    CHECK(instance_role(rig, db) == "Primary");
    CHECK(sql_role(rig, db) == "SECONDARY");
    CHECK(rig.statements(std::string("ALTER AVAILABILITY GROUP [DAG_") + db + "] FAILOVER").size() == 1);
  }
}

TEST_CASE("failover.json --set database fails over that one database only", "[workflows][failover]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}, kSql2022));
  link(rig, {"sales", "hr"});
  make_sync(rig, "hr");
  auto r = rig.run("failover.json", {"--set", "database=hr", "--yes"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["per_db[hr].failover"] == "changed");
  CHECK(st.count("per_db[sales].failover") == 0);
  CHECK(instance_role(rig, "hr") == "Primary");
  CHECK(instance_role(rig, "sales") == "Secondary");
}
