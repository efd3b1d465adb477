// workflows/remove-link.json and remove-links.json end to end against the
// emulator, through the real milink binary: a link created then removed
// (every object gone that should be; the AG and certificates kept while
// another link uses them; no database dropped), removal after a creation
// that failed half-way, a second removal that changes nothing, kill -9
// between steps then --resume, the refusal without --yes when stdin is not
// a terminal (nothing changed), confirmation typed on a pty, and the
// destructive markers in plans and dry runs.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

using linkrig::Rig;
using milink::sdk::Value;
namespace fs = std::filesystem;

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

const char* kInstanceCert = "mi1.abc123def456.database.windows.net";

/// SQL Server's availability groups as defined (names, databases, replicas
/// and their endpoints and modes), without the replicas' runtime state, which
/// the link simulation updates as time passes.
std::string ag_definitions(const Value& dump) {
  std::string out;
  for (const auto& ag : dump.get("sql_server")->get("availability_groups")->as_array()) {
    out += ag.get("name")->as_string() + (ag.get("is_distributed")->as_bool() ? " distributed" : "") + " {" +
           ag.get("databases")->to_json();
    for (const auto& r : ag.get("replicas")->as_array())
      out += " " + r.get("replica_server_name")->as_string() + " " + r.get("endpoint_url")->to_json() + " " +
             r.get("availability_mode")->to_json();
    out += "}\n";
  }
  return out;
}

/// The config the creation workflows used serves the removal workflows as
/// it is: inputs they do not declare (master_key_password, ...) go unused.
void removal_config(Rig& rig) { rig.save(); }

/// Both databases linked with workflows/replicate-databases.json; the
/// config then ready for the removal workflows.
void link_both(Rig& rig) {
  rig.set_databases({"sales", "hr"});
  auto r = rig.run("replicate-databases.json");
  REQUIRE(r.exit_code == 0);
  removal_config(rig);
}

std::vector<std::string> sql_databases(Rig& rig) {
  std::vector<std::string> out;
  Value d = rig.dump();
  for (const auto& db : d.get("sql_server")->get("databases")->as_array()) out.push_back(db.get("name")->as_string());
  return out;
}

bool link_exists(Rig& rig, const std::string& name) {
  auto lock = rig.emulator.world().lock();
  return rig.emulator.world().azure.find_link(name) != nullptr;
}

bool trusted(Rig& rig) {
  auto lock = rig.emulator.world().lock();
  return rig.emulator.world().azure.find_trust_certificate("Cert_sqlbox1_endpoint") != nullptr;
}

/// The destructive_actions event of a --output json run, or null.
Value destructive_event(const std::string& out) {
  for (auto& e : Rig::events(out))
    if (e.get("event")->as_string() == "destructive_actions") return e;
  return Value();
}

/// Runs milink \p args (remove-link.json) with a pty as its terminal and
/// types \p answer when it asks.
struct PtyRun {
  int exit_code = -1;
  std::string seen;  ///< everything milink wrote to the terminal
  bool asked = false;
};
PtyRun run_on_pty(Rig& rig, const std::vector<std::string>& extra, const std::string& answer) {
  auto argv = rig.args("remove-link.json", extra);
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  PtyRun out;
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return out;
  if (pid == 0) {
    if (::chdir(rig.dir.path().c_str()) != 0) ::_exit(126);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child closed the terminal
    out.seen.append(buf, static_cast<std::size_t>(n));
    if (!out.asked && out.seen.find("Type yes to go ahead") != std::string::npos) {
      std::string line = answer + "\n";
      if (::write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
      out.asked = true;
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

}  // namespace

TEST_CASE("remove-link removes one link and keeps what the other link still uses", "[workflows][remove]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  link_both(rig);
  REQUIRE(link_exists(rig, "DAG_sales"));

  auto r = rig.run("remove-link.json", {"--set", "database=sales", "--set", "drop_ag=true", "--set",
                                        "drop_trust_certificate=true", "--set", "drop_instance_certificate=true", "--yes"});
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["link"] == "changed");
  CHECK(st["dag"] == "changed");
  CHECK(st["trust"] == "ok");  // hr's link still uses both certificates
  CHECK(Rig::reason_of(r.out, "trust").find("trust certificate \"Cert_sqlbox1_endpoint\" on instance mi1 is kept: "
                                       "distributed availability group [DAG_hr] and link DAG_hr still use it") !=
        std::string::npos);
  Value ev = destructive_event(r.out);
  REQUIRE(ev.is_object());
  CHECK(ev.get("decision")->as_string() == "yes_option");
  std::string listed = ev.get("actions")->to_json();
  CHECK(listed.find("DELETE link DAG_sales (database sales) on instance mi1 (a database that has seeded stays on the "
                    "instance)") != std::string::npos);
  CHECK(listed.find("DROP AVAILABILITY GROUP [DAG_sales] on sqlbox1") != std::string::npos);
  CHECK(listed.find("DROP AVAILABILITY GROUP [AG_sales] on sqlbox1") != std::string::npos);

  CHECK_FALSE(link_exists(rig, "DAG_sales"));
  CHECK(link_exists(rig, "DAG_hr"));
  auto ags = rig.availability_groups();
  CHECK_FALSE(has(ags, "DAG_sales"));
  CHECK_FALSE(has(ags, "AG_sales"));
  CHECK(has(ags, "DAG_hr"));
  CHECK(has(ags, "AG_hr"));
  CHECK(trusted(rig));
  CHECK(has(rig.certificates(), kInstanceCert));
  CHECK(has(sql_databases(rig), "sales"));
  CHECK(rig.instance_databases().count("sales") == 1);  // seeded: it stays on the instance
  CHECK(rig.statements("DROP DATABASE").empty());
  CHECK(rig.statements("DROP DATABASE", "managed_instance").empty());

  // The last link: now the AG and both certificates go too.
  auto last = rig.run("remove-link.json", {"--set", "database=hr", "--set", "drop_ag=true", "--set",
                                           "drop_trust_certificate=true", "--set", "drop_instance_certificate=true",
                                           "--yes"});
  REQUIRE(last.exit_code == 0);
  CHECK(Rig::statuses(last.out)["trust"] == "changed");
  // Listed before anything changed, although DAG_hr still existed then: it is the one being removed.
  std::string listed_last;
  const Value last_event = destructive_event(last.out);
  REQUIRE(last_event.is_object());
  for (const auto& a : last_event.get("actions")->as_array())
    listed_last += a.get("description")->as_string() + "\n";
  CHECK(listed_last.find("DELETE trust certificate \"Cert_sqlbox1_endpoint\" on instance mi1") != std::string::npos);
  CHECK(listed_last.find("DROP CERTIFICATE [mi1.abc123def456.database.windows.net] on sqlbox1") != std::string::npos);
  CHECK_FALSE(link_exists(rig, "DAG_hr"));
  CHECK(rig.availability_groups().empty());
  CHECK_FALSE(trusted(rig));
  CHECK_FALSE(has(rig.certificates(), kInstanceCert));
  CHECK(has(rig.certificates(), "Cert_sqlbox1_endpoint"));  // SQL Server's own certificate stays (the endpoint uses it)
  CHECK(has(sql_databases(rig), "sales"));
  CHECK(has(sql_databases(rig), "hr"));
  CHECK(rig.statements("DROP DATABASE").empty());

  // A second run changes nothing: every step ok, no new DROP or DELETE.
  auto drops = rig.statements("DROP ").size();
  CHECK(drops == 5);  // two DAGs, two AGs and the instance's certificate, nothing else
  CHECK(rig.statements("DROP CERTIFICATE").size() == 1);
  int deletes = rig.arm_requests("DELETE", "/");
  auto again = rig.run("remove-link.json", {"--set", "database=hr", "--set", "drop_ag=true", "--set",
                                            "drop_trust_certificate=true", "--set", "drop_instance_certificate=true"});
  REQUIRE(again.exit_code == 0);  // nothing to destroy: no question, no --yes needed
  for (const char* s : {"link", "dag", "trust"}) CHECK(Rig::statuses(again.out)[s] == "ok");
  CHECK(Rig::reason_of(again.out, "link") == "no link \"DAG_hr\" on managed instance mi1: nothing to delete in Azure");
  CHECK(destructive_event(again.out).is_null());
  CHECK(rig.statements("DROP ").size() == drops);
  CHECK(rig.arm_requests("DELETE", "/") == deletes);
}

TEST_CASE("remove-links removes every database's link, and the AG stays without drop_ag", "[workflows][remove]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  link_both(rig);
  auto r = rig.run("remove-links.json", {"--set", "drop_trust_certificate=true", "--yes"});
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["per_db[sales].link"] == "changed");
  CHECK(st["per_db[hr].dag"] == "changed");
  CHECK(st["trust"] == "changed");
  CHECK_FALSE(link_exists(rig, "DAG_sales"));
  CHECK_FALSE(link_exists(rig, "DAG_hr"));
  auto ags = rig.availability_groups();
  std::sort(ags.begin(), ags.end());
  CHECK(ags == std::vector<std::string>{"AG_hr", "AG_sales"});
  CHECK_FALSE(trusted(rig));
  CHECK(has(rig.certificates(), kInstanceCert));  // drop_instance_certificate not set
}

TEST_CASE("remove-link after a creation that failed half-way removes what exists and says what was not there",
          "[workflows][remove]") {
  // link-review D1, as it was before the bundled workflows named the
  // instance side AG_<db>_MI: with the seed's convention (the instance's
  // name), a second run for hr makes AG_hr and DAG_hr, then Azure refuses
  // the link (the instance AG name mi1 is taken).
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  rig.set_databases({"sales", "hr"});
  Value wf = milink::sdk::parse_json(testsupport::read_file(std::string(MILINK_WORKFLOWS_DIR) + "/replicate-database.json"));
  for (auto& step : wf.mutable_object().find("steps")->mutable_array())
    if (step.get("id")->as_string() == "dag")
      step.mutable_object().find("with")->mutable_object().set("instance_ag_name",
                                                                Value("${{ config.managed_instance.name }}"));
  testsupport::write_file(rig.dir / "seed-convention.json", wf.to_pretty_json());
  std::string seed_workflow = (rig.dir / "seed-convention.json").string();
  REQUIRE(rig.run(seed_workflow, {"--set", "database=sales"}).exit_code == 0);
  auto failed = rig.run(seed_workflow, {"--set", "database=hr"});
  REQUIRE(failed.exit_code == 1);
  REQUIRE(Rig::statuses(failed.out)["link"] == "failed");
  REQUIRE(has(rig.availability_groups(), "DAG_hr"));
  removal_config(rig);

  auto r = rig.run("remove-link.json", {"--set", "database=hr", "--set", "drop_ag=true", "--set",
                                        "drop_trust_certificate=true", "--yes"});
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["link"] == "ok");
  CHECK(Rig::reason_of(r.out, "link") == "no link \"DAG_hr\" on managed instance mi1: nothing to delete in Azure");
  CHECK(st["dag"] == "changed");
  CHECK(st["trust"] == "ok");  // DAG_sales still uses it
  auto ags = rig.availability_groups();
  std::sort(ags.begin(), ags.end());
  CHECK(ags == std::vector<std::string>{"AG_sales", "DAG_sales"});
  CHECK(link_exists(rig, "DAG_sales"));
  CHECK(trusted(rig));
  CHECK(has(sql_databases(rig), "hr"));
  // The listed actions: only what exists (no DELETE of the missing link).
  std::string listed = destructive_event(r.out).get("actions")->to_json();
  CHECK(listed.find("DELETE link") == std::string::npos);
  CHECK(listed.find("DROP AVAILABILITY GROUP [DAG_hr]") != std::string::npos);
  CHECK(listed.find("DROP AVAILABILITY GROUP [AG_hr]") != std::string::npos);
}

TEST_CASE("remove-link refuses without --yes when stdin is not a terminal, and changes nothing", "[workflows][remove]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  link_both(rig);
  Value before = rig.dump();
  auto r = rig.run("remove-link.json", {"--set", "database=sales", "--set", "drop_ag=true"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("milink: this run will delete or drop:\n  - link: DELETE link DAG_sales (database sales) on "
                   "instance mi1") != std::string::npos);
  CHECK(r.err.find("milink: error: this run would delete or drop what is listed above, and stdin is not a terminal "
                   "to confirm it; pass --yes to go ahead. Nothing was changed") != std::string::npos);
  Value ev = destructive_event(r.out);
  REQUIRE(ev.is_object());
  CHECK(ev.get("decision")->as_string() == "no_terminal");
  CHECK(ev.get("actions")->as_array().size() == 3);
  CHECK(r.out.find("\"step_start\"") == std::string::npos);  // no step ran
  // The emulator's state: nothing changed.
  CHECK(link_exists(rig, "DAG_sales"));
  CHECK(has(rig.availability_groups(), "DAG_sales"));
  CHECK(has(rig.availability_groups(), "AG_sales"));
  CHECK(rig.arm_requests("DELETE", "/") == 0);
  CHECK(rig.statements("DROP ").empty());
  CHECK(ag_definitions(rig.dump()) == ag_definitions(before));
}

TEST_CASE("remove-link asks on a terminal and goes ahead when yes is typed", "[workflows][remove]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  link_both(rig);
  PtyRun r = run_on_pty(rig, {"--set", "database=sales"}, "yes");
  INFO(r.seen);
  CHECK(r.asked);
  CHECK(r.exit_code == 0);
  CHECK(r.seen.find("\"decision\":\"confirmed\"") != std::string::npos);
  CHECK_FALSE(link_exists(rig, "DAG_sales"));
  CHECK_FALSE(has(rig.availability_groups(), "DAG_sales"));
  CHECK(has(rig.availability_groups(), "AG_sales"));  // drop_ag not set
}

TEST_CASE("remove-link: an answer other than yes stops before anything changes", "[workflows][remove]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  link_both(rig);
  PtyRun r = run_on_pty(rig, {"--set", "database=sales"}, "y");
  INFO(r.seen);
  CHECK(r.asked);
  CHECK(r.exit_code == 3);
  CHECK(r.seen.find("milink: not confirmed; nothing was changed") != std::string::npos);
  CHECK(link_exists(rig, "DAG_sales"));
  CHECK(rig.arm_requests("DELETE", "/") == 0);
}

TEST_CASE("remove-link: kill -9 between steps, then --resume finishes without doing anything twice",
          "[workflows][remove][resume]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  link_both(rig);
  fs::remove_all(rig.dir / "state");  // only the removal's journal from here on
  rig.emulator.faults().set("sql:latency=100,arm:latency=100");
  pid_t pid = rig.spawn("remove-link.json",
                        {"--set", "database=sales", "--set", "drop_ag=true", "--yes"}, "first");
  REQUIRE(pid > 0);
  // After the link step ended (its step_end is in the journal), before the DAG step finished.
  bool reached = rig.wait_for_step_end();
  ::kill(pid, SIGKILL);
  testsupport::wait_for(pid);
  REQUIRE(reached);
  rig.emulator.faults().set("");
  CHECK_FALSE(link_exists(rig, "DAG_sales"));

  auto r = rig.run("remove-link.json", {"--set", "database=sales", "--set", "drop_ag=true", "--resume", "--yes"});
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["link"] != "failed");
  CHECK(st["dag"] != "failed");
  CHECK_FALSE(has(rig.availability_groups(), "DAG_sales"));
  CHECK_FALSE(has(rig.availability_groups(), "AG_sales"));
  CHECK(rig.arm_requests("DELETE", "/distributedAvailabilityGroups/DAG_sales") == 1);
  CHECK(rig.statements("DROP AVAILABILITY GROUP [DAG_sales]").size() == 1);
  CHECK(rig.statements("DROP AVAILABILITY GROUP [AG_sales]").size() == 1);
  CHECK(has(sql_databases(rig), "sales"));
}

TEST_CASE("plan and --dry-run mark the removal's destructive actions", "[workflows][remove]") {
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  link_both(rig);
  auto dry = testsupport::run({testsupport::milink_binary().string(), "run",
                               std::string(MILINK_WORKFLOWS_DIR) + "/remove-link.json", "-c", "config.json",
                               "--dry-run", "--set", "database=sales", "--set", "drop_ag=true"},
                              rig.dir.path());
  INFO(dry.out << dry.err);
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.find("would DESTROY: DELETE link DAG_sales (database sales) on instance mi1") != std::string::npos);
  CHECK(dry.out.find("-- DESTRUCTIVE: step dag: DROP AVAILABILITY GROUP [DAG_sales] on sqlbox1") != std::string::npos);
  CHECK(dry.out.find("### DESTRUCTIVE: step link: DELETE link DAG_sales") != std::string::npos);
  CHECK(link_exists(rig, "DAG_sales"));  // a dry run changes nothing

  auto plan = testsupport::run({testsupport::milink_binary().string(), "plan",
                                std::string(MILINK_WORKFLOWS_DIR) + "/remove-link.json", "-c", "config.json", "--offline",
                                "--out", "plan", "--set", "drop_ag=true"},
                               rig.dir.path());
  REQUIRE(plan.exit_code == 0);
  std::string sql = testsupport::read_file(rig.dir / "plan" / "sqlserver.sql");
  CHECK(sql.find("-- DESTRUCTIVE: step dag: DROP AVAILABILITY GROUP [DAG_sales] on sqlserver (when it exists)") !=
        std::string::npos);
  CHECK(sql.find("DROP DATABASE") == std::string::npos);
  Value pj = milink::sdk::parse_json(testsupport::read_file(rig.dir / "plan" / "plan.json"));
  int destructive = 0;
  for (const auto& s : pj.get("steps")->as_array())
    for (const auto& a : s.get("actions")->as_array())
      if (const Value* d = a.get("destructive")) destructive += d->as_bool() ? 1 : 0;
  CHECK(destructive == 3);
}

// --- arm-link: failoverMode and replicationMode, failed links --------------------------------

TEST_CASE("arm-link sends failoverMode Manual for SQL Server 2022 and None for 2019, and replicationMode",
          "[workflows][arm-link]") {
  {
    Rig rig(linkrig::scenario_with({"sales"}, "16.0.4135.4"));
    auto r = rig.run("replicate-database.json");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("failover_mode auto: failoverMode Manual, because SQL Server 16.0.4135.4 and the instance's "
                     "update policy SQLServer2022 match") != std::string::npos);
    auto lock = rig.emulator.world().lock();
    const auto* link = rig.emulator.world().azure.find_link("DAG_sales");
    REQUIRE(link != nullptr);
    CHECK(link->failover_mode == "Manual");
    CHECK(link->replication_mode == "Async");
  }
  {
    Rig rig(linkrig::scenario_with({"sales"}));
    rig.set_input("failover_mode", Value("auto"));
    auto r = rig.run("replicate-database.json");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("failover_mode auto: failoverMode None, because SQL Server 15.0.4312.2 is older than 2022") !=
          std::string::npos);
    auto lock = rig.emulator.world().lock();
    CHECK(rig.emulator.world().azure.find_link("DAG_sales")->failover_mode == "None");
  }
  {
    Rig rig(linkrig::scenario_with({"sales"}, "16.0.4135.4"));
    rig.set_input("failover_mode", Value("none"));
    REQUIRE(rig.run("replicate-database.json").exit_code == 0);
    auto lock = rig.emulator.world().lock();
    CHECK(rig.emulator.world().azure.find_link("DAG_sales")->failover_mode == "None");
  }
}

namespace {
/// scenario_with({"sales"}, SQL Server 2022 CU14) and the instance's update policy \p policy.
std::string with_update_policy(const std::string& policy) {
  Value sc = milink::sdk::parse_json(linkrig::scenario_with({"sales"}, "16.0.4135.4"));
  sc.mutable_object().set("managed_instance", Value(milink::sdk::Object{{"database_format", Value(policy)}}));
  return sc.to_json();
}
}  // namespace

TEST_CASE("the instance's update policy decides the failover mode: AlwaysUpToDate gives a one-way link, and preflight "
          "says why",
          "[workflows][arm-link][database-format]") {
  {
    Rig rig(with_update_policy("AlwaysUpToDate"));
    auto r = rig.run("replicate-database.json");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string why = "the instance's update policy is AlwaysUpToDate, not SQLServer2022 (one-way only)";
    CHECK(r.out.find("PASS failover_mode: failover_mode auto gives none (one-way: failover to the instance only), "
                     "because " + why) != std::string::npos);
    CHECK(r.out.find("failover_mode auto: failoverMode None, because " + why) != std::string::npos);
    auto lock = rig.emulator.world().lock();
    const auto* link = rig.emulator.world().azure.find_link("DAG_sales");
    REQUIRE(link != nullptr);
    CHECK(link->failover_mode == "None");
  }
  {
    // Asking for two-way on that instance: preflight refuses before anything is made.
    Rig rig(with_update_policy("AlwaysUpToDate"));
    auto r = rig.run("replicate-database.json", {"--set", "failover_mode=manual"});
    INFO(r.out << r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.out.find("FAIL failover_mode: failover_mode manual (two-way) is not possible: the instance's update policy "
                     "is AlwaysUpToDate, not SQLServer2022 (one-way only)") != std::string::npos);
    CHECK(Rig::statuses(r.out)["preflight"] == "failed");
    CHECK_FALSE(link_exists(rig, "DAG_sales"));
  }
  {
    // SQL Server 2025's policy on SQL Server 2022: one-way too.
    Rig rig(with_update_policy("SQLServer2025"));
    auto r = rig.run("replicate-database.json");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("failover_mode auto: failoverMode None, because the instance's update policy is SQLServer2025, "
                     "not SQLServer2022 (one-way only)") != std::string::npos);
  }
  {
    Rig rig(with_update_policy("SQLServer2022"));
    auto r = rig.run("replicate-database.json");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string why = "SQL Server 16.0.4135.4 and the instance's update policy SQLServer2022 match (two-way: it "
                            "can fail back)";
    CHECK(r.out.find("PASS failover_mode: failover_mode auto gives manual (two-way: the database can fail back to SQL "
                     "Server), because " + why) != std::string::npos);
    CHECK(r.out.find("failover_mode auto: failoverMode Manual, because " + why) != std::string::npos);
    auto lock = rig.emulator.world().lock();
    CHECK(rig.emulator.world().azure.find_link("DAG_sales")->failover_mode == "Manual");
  }
}

TEST_CASE("arm-link refuses failover_mode manual with an api-version that has no failoverMode, before any change", "[workflows][arm-link]") {
  Rig rig(linkrig::scenario_with({"sales"}, "16.0.4135.4"));
  auto r = rig.run("replicate-database.json",
                   {"--set", "failover_mode=manual", "--set", "api_version=2021-05-01-preview"});
  // The link step's rule, checked when every step is configured before the
  // run: exit code 2, the workflow's parameter named, nothing changed.
  CHECK(r.exit_code == 2);
  std::string all = r.out + r.err;
  INFO(all);
  CHECK(all.find("replicate-database.json") != std::string::npos);
  CHECK(all.find("/with/failover_mode: step \"link\" (arm-link) refuses parameter \"failover_mode\": manual needs "
                 "api_version 2023-05-01-preview or later (api-version 2021-05-01-preview has no failoverMode); set "
                 "api_version to 2025-01-01") != std::string::npos);
  CHECK(all.find("nothing was run") != std::string::npos);
  CHECK(rig.statements("CREATE").empty());
  CHECK_FALSE(link_exists(rig, "DAG_sales"));
}

TEST_CASE("arm-link reports a failed link with its remedy instead of taking it as done", "[workflows][arm-link]") {
  // The link names a database its availability group does not hold: it
  // fails to create (41977, LinkCreationError).
  Rig rig(linkrig::scenario_with({"sales", "hr"}));
  rig.set_databases({"sales"});
  Value wf = milink::sdk::parse_json(testsupport::read_file(std::string(MILINK_WORKFLOWS_DIR) + "/replicate-database.json"));
  for (auto& step : wf.mutable_object().find("steps")->mutable_array())
    if (step.get("id")->as_string() == "link") step.mutable_object().find("with")->mutable_object().set("database", Value("hr"));
  testsupport::write_file(rig.dir / "wf.json", wf.to_pretty_json());
  std::string path = (rig.dir / "wf.json").string();
  auto first = rig.run(path, {"--set", "verify_timeout_seconds=60"});
  REQUIRE(first.exit_code == 1);
  REQUIRE(Rig::statuses(first.out)["link"] == "changed");

  auto again = rig.run(path);
  CHECK(again.exit_code == 1);
  CHECK(Rig::statuses(again.out)["link"] == "failed");
  std::string reason = Rig::reason_of(again.out, "link");
  CHECK(reason.rfind("observe: the link \"DAG_sales\" exists but has failed (", 0) == 0);
  CHECK(reason.find("replicaState LinkCreationError") != std::string::npos);
  CHECK(reason.find("41977") != std::string::npos);
  CHECK(reason.find("A failed link does not recover by running this again: fix the cause, remove it (milink run "
                    "workflows/remove-link.json --set database=hr), then run this workflow again to create it anew") !=
        std::string::npos);
  CHECK(Rig::statuses(again.out)["verify"] != "ok");  // the workflow stopped there
  CHECK(Rig::statuses(again.out)["verify"] != "changed");
}
