// milink run/plan/validate --emulator: the emulator started inside milink,
// its config written under the state directory and used, and the options
// that cannot go with it refused.
#include "runner_fixture.hpp"

#include "state/scenario.hpp"
#include "state/world.hpp"

#include <sys/stat.h>

using namespace runnertest;

namespace {

const std::string kHello = std::string(MILINK_SOURCE_DIR) + "/tests/support/workflows/hello.json";

/// The databases listed in a config file.
std::vector<std::string> config_databases(const Value& config) {
  std::vector<std::string> out;
  for (const auto& d : config.get("databases")->as_array()) out.push_back(d.as_string());
  return out;
}

bool mode_0600(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && (st.st_mode & 0777) == 0600;
}

}  // namespace

TEST_CASE("milink run --emulator runs the workflow against the emulator it starts", "[runner][emulator]") {
  Sandbox sb;
  auto r = sb.milink({"run", kHello, "--emulator", "--emulator-profile", "fast", "--output", "json"});
  REQUIRE(r.exit_code == 0);

  // stdout stays JSON lines; the first says what runs where.
  auto events = parse_events(r.out);
  REQUIRE(!events.empty());
  const Object& emu = events.front();
  CHECK(str(emu, "event") == "emulator");
  CHECK(str(emu, "status") == "running");
  CHECK(str(emu, "profile") == "fast");
  CHECK(str(emu, "config") == (fs::path(".milink") / "emulator" / "config.json").string());
  CHECK(emu.find("sql_server")->get("name")->as_string() == "sqlbox1");
  CHECK(emu.find("sql_server")->get("version")->as_string() == "16.0.4135.4");
  CHECK(emu.find("sql_server")->get("host")->as_string() == "127.0.0.1");
  CHECK(emu.find("managed_instance")->get("name")->as_string() == "mi1");
  CHECK(emu.find("managed_instance")->get("fqdn")->as_string() == "mi1.abc123def456.database.windows.net");
  CHECK(starts_with(str(emu, "arm_endpoint"), "https://127.0.0.1:"));
  CHECK(str(events[1], "event") == "run_start");

  // The workflow read the emulator's config: config.sqlserver.name and
  // one branch per config.databases.
  CHECK(step_end(events, "first").find("outputs")->get("echo")->as_string() == "hello from sqlbox1");
  CHECK(str(step_end(events, "per_db[sales].link"), "status") == "changed");
  CHECK(str(step_end(events, "per_db[hr].link"), "status") == "changed");
  CHECK(step_end(events, "done").find("outputs")->get("echo")->as_string() == "all databases: sales, hr");
  CHECK(str(run_end(events), "result") == "succeeded");

  // The config it wrote, and its secrets beside it, readable only by the user.
  fs::path config = sb / ".milink" / "emulator" / "config.json";
  REQUIRE(fs::exists(config));
  Value c = milink::sdk::parse_json(testsupport::read_file(config), config.string());
  CHECK(config_databases(c) == std::vector<std::string>{"sales", "hr"});
  CHECK(c.get("sqlserver")->get("name")->as_string() == "sqlbox1");
  CHECK(c.get("sqlserver")->get("port")->as_int() == emu.find("sql_server")->get("port")->as_int());
  CHECK(c.get("managed_instance")->get("port")->as_int() == emu.find("managed_instance")->get("port")->as_int());
  CHECK(c.get("azure")->get("arm_endpoint")->as_string() == str(emu, "arm_endpoint"));
  for (const char* secret : {"sqlserver-password", "mi-password", "client-secret", "client.pem"})
    CHECK(mode_0600(sb / ".milink" / "emulator" / (std::string("config.json.") + secret)));
  // The run journal sits beside it, in the same state directory.
  CHECK(sb.run_dirs().size() == 1);

  // Text output: the same facts in a short block on stderr, stdout as usual.
  auto t = sb.milink({"run", kHello, "--emulator", "--emulator-profile", "fast"});
  REQUIRE(t.exit_code == 0);
  CHECK(t.err.find("milink: emulator running (profile fast); it stops when this command ends\n") != std::string::npos);
  CHECK(t.err.find("  SQL Server        sqlbox1 (16.0.4135.4) on 127.0.0.1:") != std::string::npos);
  CHECK(t.err.find("  managed instance  mi1 (mi1.abc123def456.database.windows.net) on 127.0.0.1:") !=
        std::string::npos);
  CHECK(t.err.find("  Azure (ARM)       https://127.0.0.1:") != std::string::npos);
  CHECK(t.err.find("  config            " + (fs::path(".milink") / "emulator" / "config.json").string() + "\n") !=
        std::string::npos);
  CHECK(t.out.find("milink: running hello") != std::string::npos);
  CHECK(t.out.find("milink: succeeded") != std::string::npos);
  CHECK(t.out.find("\"event\"") == std::string::npos);
}

TEST_CASE("milink run --emulator defaults to the demo profile and honours --state-dir", "[runner][emulator]") {
  Sandbox sb;
  // A workflow without config references finishes at once whatever the profile.
  sb.write("wf.json", R"({ "milink": 1, "name": "one", "steps": [
    { "id": "one", "uses": "test.record", "with": { "message": "db ${{ config.databases[0] }}" } } ] })");
  auto r = sb.milink({"run", "wf.json", "--emulator", "--state-dir", "st", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  auto events = parse_events(r.out);
  CHECK(str(events.front(), "profile") == "demo");
  CHECK(str(events.front(), "config") == (fs::path("st") / "emulator" / "config.json").string());
  CHECK(step_end(events, "one").find("outputs")->get("echo")->as_string() == "db sales");
  CHECK(fs::exists(sb / "st" / "emulator" / "config.json"));
  CHECK(!fs::exists(sb / ".milink"));
}

TEST_CASE("milink run --emulator-scenario starts another world", "[runner][emulator]") {
  Sandbox sb;
  sb.write("world.json", R"({ "sql_server": { "name": "sqlbox9", "version": "16.0.4135.4",
    "databases": [ { "name": "inventory", "recovery": "FULL", "backups": ["full"] } ] } })");
  auto r = sb.milink({"run", kHello, "--emulator", "--emulator-profile", "fast", "--emulator-scenario", "world.json",
                      "--output", "json"});
  REQUIRE(r.exit_code == 0);
  auto events = parse_events(r.out);
  CHECK(events.front().find("sql_server")->get("name")->as_string() == "sqlbox9");
  CHECK(step_end(events, "first").find("outputs")->get("echo")->as_string() == "hello from sqlbox9");
  CHECK(str(step_end(events, "per_db[inventory].link"), "status") == "changed");
  Value c = milink::sdk::parse_json(testsupport::read_file(sb / ".milink" / "emulator" / "config.json"));
  CHECK(config_databases(c) == std::vector<std::string>{"inventory"});
}

TEST_CASE("milink run --emulator refuses -c and --resume and bad emulator options", "[runner][emulator]") {
  Sandbox sb;
  sb.write("config.json", R"({ "milink_config": 1 })");

  auto with_config = sb.milink({"run", kHello, "--emulator", "-c", "config.json"});
  CHECK(with_config.exit_code == 2);
  CHECK(with_config.err ==
        "milink: error: --emulator writes its own config; drop -c config.json, or run milink-emulator --write-config "
        "FILE and use -c FILE\n");

  auto json = sb.milink({"run", kHello, "--emulator", "--config", "config.json", "--output", "json"});
  CHECK(json.exit_code == 2);
  auto events = parse_events(json.out);
  REQUIRE(events.size() == 1);
  CHECK(str(events[0], "event") == "error");
  CHECK(starts_with(str(events[0], "message"), "--emulator writes its own config; drop -c config.json"));

  auto resume = sb.milink({"run", kHello, "--emulator", "--resume"});
  CHECK(resume.exit_code == 2);
  CHECK(resume.err ==
        "milink: error: --resume cannot be combined with --emulator: a fresh emulator has none of the earlier run's "
        "state (its servers, certificates and links are gone). Start a fresh run with --emulator, or resume against "
        "a milink-emulator that is still running with -c FILE\n");

  auto profile = sb.milink({"run", kHello, "--emulator", "--emulator-profile", "slow"});
  CHECK(profile.exit_code == 2);
  CHECK(profile.err == "milink: error: --emulator-profile must be fast, demo or realistic, not \"slow\"\n");

  auto without = sb.milink({"run", kHello, "--emulator-profile", "fast"});
  CHECK(without.exit_code == 2);
  CHECK(without.err == "milink: error: --emulator-profile needs --emulator\n");

  auto scenario_without = sb.milink({"plan", kHello, "--emulator-scenario", "world.json"});
  CHECK(scenario_without.exit_code == 2);
  CHECK(scenario_without.err == "milink: error: --emulator-scenario needs --emulator\n");

  sb.write("bad.json", R"({ "sql_server": { "versoin": "16.0.4135.4" } })");
  auto bad = sb.milink({"run", kHello, "--emulator", "--emulator-scenario", "bad.json"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "milink: error: --emulator-scenario: bad.json:1:19: /sql_server/versoin: unknown key \"versoin\"; did you "
        "mean \"version\"?\n");

  auto missing = sb.milink({"validate", kHello, "--emulator", "--emulator-scenario", "nowhere.json"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "milink: error: --emulator-scenario: nowhere.json cannot be opened: No such file or directory\n");

  // Nothing ran and no emulator config was written.
  CHECK(sb.records().empty());
  CHECK(!fs::exists(sb / ".milink"));
}

TEST_CASE("milink plan and validate accept --emulator", "[runner][emulator]") {
  Sandbox sb;
  auto plan = sb.milink({"plan", kHello, "--offline", "--emulator", "--emulator-profile", "fast", "--output", "json"});
  REQUIRE(plan.exit_code == 0);
  // stdout is the plan, built from the emulator's config; the emulator's block is on stderr.
  Value p = milink::sdk::parse_json(plan.out, "stdout");
  CHECK(p.get("workflow")->as_string() == "hello");
  CHECK(plan.out.find("hello from sqlbox1") != std::string::npos);
  CHECK(plan.out.find("per_db[sales].prepare") != std::string::npos);
  CHECK(plan.out.find("per_db[hr].prepare") != std::string::npos);
  CHECK(plan.err.find("milink: emulator running (profile fast)") != std::string::npos);
  CHECK(plan.err.find("  SQL Server        sqlbox1 (16.0.4135.4) on 127.0.0.1:") != std::string::npos);
  CHECK(fs::exists(sb / ".milink" / "emulator" / "config.json"));
  // An offline plan connects nowhere and changes nothing.
  CHECK(sb.records().empty());
  CHECK(sb.run_dirs().empty());

  auto text = sb.milink({"plan", kHello, "--offline", "--emulator", "--emulator-profile", "fast", "--state-dir", "st"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("-- step first: record hello from sqlbox1\n") != std::string::npos);
  CHECK(fs::exists(sb / "st" / "emulator" / "config.json"));

  auto valid = sb.milink({"validate", kHello, "--emulator", "--emulator-profile", "fast"});
  REQUIRE(valid.exit_code == 0);
  CHECK(valid.out == kHello + ": valid (5 steps, config " +
                         (fs::path(".milink") / "emulator" / "config.json").string() + ")\n");
  CHECK(valid.err.find("milink: emulator running (profile fast)") != std::string::npos);

  auto refused = sb.milink({"plan", kHello, "--emulator", "-c", "x.json"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--emulator writes its own config; drop -c x.json") != std::string::npos);
}

TEST_CASE("the sample scenario is SQL Server 2022 with the link procedures and sales and hr", "[runner][emulator]") {
  using namespace milink::emulator;
  Scenario s = sample_scenario();
  CHECK(s.sql_server.version == std::string(kSampleSqlServerVersion));
  EmulatorWorld world(s);
  auto lock = world.lock();
  const ServerState& sql = world.sql_server;
  CHECK(sql.name == "sqlbox1");
  CHECK(sql.major() == 16);
  CHECK(sql.product_level == "RTM");
  CHECK(sql.update_level == "CU14");
  CHECK(sql.has_link_procedures());
  CHECK(sql.version_banner().find("Microsoft SQL Server 2022 (RTM-CU14)") == 0);
  // The default world (2019 CU20, the link's minimum) has them too; 2019 CU15 has not.
  EmulatorWorld default_world(default_scenario());
  CHECK(default_world.sql_server.has_link_procedures());
  Scenario cu15 = default_scenario();
  cu15.sql_server.version = "15.0.4198.2";
  EmulatorWorld old_world(cu15);
  auto old_lock = old_world.lock();
  CHECK(!old_world.sql_server.has_link_procedures());

  const Database* sales = sql.find_database("sales");
  const Database* hr = sql.find_database("hr");
  REQUIRE(sales != nullptr);
  REQUIRE(hr != nullptr);
  CHECK(sales->recovery == RecoveryModel::Full);
  CHECK(sales->size_mb == 64);
  CHECK(hr->recovery == RecoveryModel::Simple);
  CHECK(world.managed_instance.name == "mi1");
}
