// milink plan (observing read-only) writes scripts that run as they are, and
// milink run --plan DIR applies a saved plan only while it still matches.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using linkrig::Rig;
using milink::sdk::Value;

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

/// `milink plan replicate-database.json -c config.json --out DIR [extra]`.
testsupport::ProcessResult plan(Rig& rig, const std::string& dir, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> a{testsupport::milink_binary().string(), "plan",
                             std::string(MILINK_WORKFLOWS_DIR) + "/replicate-database.json", "-c", "config.json",
                             "--out", dir};
  a.insert(a.end(), extra.begin(), extra.end());
  return testsupport::run(a, rig.dir.path());
}

/// Runs \p script on the emulated SQL Server with FreeTDS's tsql, which,
/// like sqlcmd, sends each batch when it reads a GO line. The sqlcmd
/// variable of the master key password is set as `sqlcmd -v` would.
testsupport::ProcessResult run_with_tsql(Rig& rig, std::string script) {
  const std::string var = "$(MILINK_MASTER_KEY_PASSWORD)";
  for (auto at = script.find(var); at != std::string::npos; at = script.find(var))
    script.replace(at, var.size(), linkrig::kMasterKeyPassword);
  testsupport::write_file(rig.dir / "script.sql", script + "\nexit\n");
  testsupport::write_file(rig.dir / "freetds.conf", "[global]\n\tencryption = request\n");
  std::string password = testsupport::read_file(rig.dir / "config.json.sqlserver-password");
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  return testsupport::run({"/bin/sh", "-c",
                           "tsql -H 127.0.0.1 -p " + std::to_string(rig.emulator.sql_port()) + " -U sa -P \"$PW\" < script.sql"},
                          rig.dir.path(),
                          {{"FREETDSCONF", (rig.dir / "freetds.conf").string()}, {"TDSVER", "7.4"}, {"PW", password}});
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("plan reads what it needs: the SQL Server script has no placeholder and runs as it is", "[workflows][plan]") {
  Rig rig;
  auto r = plan(rig, "planned");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // Reading only: nothing was created on either side.
  CHECK(rig.statements("CREATE").empty());
  CHECK(rig.arm_requests("PUT", "/") == 0);

  std::string sql = testsupport::read_file(rig.dir / "planned" / "sqlserver.sql");
  CHECK(sql.find("-- Made by reading the servers and Azure (read-only); nothing was changed.") != std::string::npos);
  CHECK(sql.find("NOT RUNNABLE") == std::string::npos);
  CHECK(sql.find("<steps.") == std::string::npos);
  CHECK(sql.find("<instance endpoint certificate>") == std::string::npos);
  CHECK(sql.find("(when the server has sp_certificate_add_issuer)") == std::string::npos);
  CHECK(sql.find("N'TCP://127.0.0.1:5022'") != std::string::npos);  // the endpoint's URL in the AG and the DAG
  // The secret is a sqlcmd variable, named in the header, never its value.
  CHECK(sql.find("CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MILINK_MASTER_KEY_PASSWORD)'") != std::string::npos);
  CHECK(sql.find("-- Needs sqlcmd variables (secrets are never written into plans): MILINK_MASTER_KEY_PASSWORD") !=
        std::string::npos);
  CHECK(sql.find(linkrig::kMasterKeyPassword) == std::string::npos);

  // Azure's side: only the key of the certificate the script creates is open.
  std::string http = testsupport::read_file(rig.dir / "planned" / "arm.http");
  CHECK(http.find("# NOT RUNNABLE AS IT IS: <steps.cert.outputs.public_key>\n") != std::string::npos);
  CHECK(http.find("\"partnerAvailabilityGroupName\": \"AG_sales\"") != std::string::npos);
  // failover_mode auto, resolved by reading both sides: SQL Server 2019 links one-way.
  CHECK(http.find("\"failoverMode\": \"None\"") != std::string::npos);
  CHECK(http.find("<auto") == std::string::npos);

  Value doc = milink::sdk::parse_json(testsupport::read_file(rig.dir / "planned" / "plan.json"), "plan.json");
  CHECK(doc.get("format")->as_int() == 1);
  CHECK(doc.get("source")->as_string() == "observed");

  // A third-party client runs the script batch by batch, with no error, and
  // makes what the plan said on SQL Server.
  auto t = run_with_tsql(rig, sql);
  INFO(t.out << t.err);
  CHECK(t.out.find("Msg ") == std::string::npos);
  CHECK(t.err.find("Msg ") == std::string::npos);
  CHECK(has(rig.certificates(), "Cert_sqlbox1_endpoint"));
  CHECK(has(rig.certificates(), "mi1.abc123def456.database.windows.net"));
  auto ags = rig.availability_groups();
  CHECK(has(ags, "AG_sales"));
  CHECK(has(ags, "DAG_sales"));

  // What the script made is what the run wants: those steps are now ok.
  auto dry = rig.run("replicate-database.json", {"--dry-run"});
  auto st = Rig::statuses(dry.out);
  for (const char* s : {"cert", "endpoint", "ag", "dag"}) CHECK(st[s] == "ok");

  SECTION("and the saved plan, no longer what milink would do, is refused without a change") {
    int puts = rig.arm_requests("PUT", "/");
    auto changes = [&] {
      std::size_t n = 0;
      for (const char* verb : {"CREATE", "ALTER", "DROP", "BACKUP", "EXEC", "INSERT"}) n += rig.statements(verb).size();
      return n;
    };
    auto before = changes();
    auto stale = rig.run("replicate-database.json", {"--plan", "planned"});
    CHECK(stale.exit_code == 4);
    CHECK(stale.err.find("no longer matches what milink observes: step cert: the plan says would change (2 actions), "
                         "now ok (certificate [Cert_sqlbox1_endpoint] exists). Nothing was changed; make a new one "
                         "with milink plan replicate-database ... --out planned") != std::string::npos);
    CHECK(rig.arm_requests("PUT", "/") == puts);
    CHECK(changes() == before);
  }
}

TEST_CASE("run --plan applies the saved plan, then refuses it once applied", "[workflows][plan]") {
  Rig rig;
  REQUIRE(plan(rig, "planned").exit_code == 0);
  auto r = rig.run("replicate-database.json", {"--plan", "planned"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  for (const char* s : {"cert", "trust", "endpoint", "ag", "dag", "link"}) CHECK(st[s] == "changed");
  CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 2);
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/DAG_sales") == 1);

  auto again = rig.run("replicate-database.json", {"--plan", "planned"});
  CHECK(again.exit_code == 4);
  CHECK(again.err.find("step network: the plan says would change") == std::string::npos);  // network is re-planned
  CHECK(again.err.find("no longer matches what milink observes: step cert: the plan says would change") !=
        std::string::npos);
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/DAG_sales") == 1);
}

TEST_CASE("run --plan refuses an offline plan, another workflow's plan, and a directory without one", "[workflows][plan]") {
  Rig rig;
  // Offline, no secret is read: a config whose secrets cannot be read still plans.
  Value unreadable = rig.config;
  auto& root = unreadable.mutable_object();
  for (const char* target : {"sqlserver", "managed_instance"})
    root.find(target)->mutable_object().set("password", Value(milink::sdk::Object{{"from_env", Value("MILINK_TEST_UNSET")}}));
  root.find("inputs")->mutable_object().set("master_key_password",
                                             Value(milink::sdk::Object{{"from_file", Value("no-such-file")}}));
  testsupport::write_file(rig.dir / "unreadable.json", unreadable.to_pretty_json());
  auto needs = testsupport::run({testsupport::milink_binary().string(), "plan",
                                 std::string(MILINK_WORKFLOWS_DIR) + "/replicate-database.json", "-c", "unreadable.json",
                                 "--out", "online"},
                                rig.dir.path());
  CHECK(needs.exit_code == 2);  // a plan that reads needs the logins
  CHECK(needs.err.find("environment variable MILINK_TEST_UNSET is not set") != std::string::npos);
  auto off = testsupport::run({testsupport::milink_binary().string(), "plan",
                               std::string(MILINK_WORKFLOWS_DIR) + "/replicate-database.json", "-c", "unreadable.json",
                               "--offline", "--out", "offline"},
                              rig.dir.path());
  INFO(off.out << off.err);
  REQUIRE(off.exit_code == 0);
  std::string sql = testsupport::read_file(rig.dir / "offline" / "sqlserver.sql");
  CHECK(sql.find("-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>") !=
        std::string::npos);
  CHECK(count(sql, "<steps.") > 0);
  CHECK(sql.find("FROM BINARY = <instance endpoint certificate>;") != std::string::npos);

  auto r = rig.run("replicate-database.json", {"--plan", "offline"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("plan.json: an offline plan (milink plan --offline) holds placeholders and cannot be applied; make "
                   "a new one with milink plan replicate-database ... --out offline, review it, and run again without "
                   "--offline") != std::string::npos);

  REQUIRE(plan(rig, "planned").exit_code == 0);
  auto other = rig.run("remove-link.json", {"--plan", "planned", "--set", "database=sales"});
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("the plan is for workflow \"replicate-database\", not \"remove-link\"") != std::string::npos);

  auto none = rig.run("replicate-database.json", {"--plan", "nowhere"});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("--plan nowhere: cannot read the saved plan:") != std::string::npos);
  CHECK(none.err.find("a plan directory is what milink plan WORKFLOW --out DIR writes") != std::string::npos);

  auto dry = rig.run("replicate-database.json", {"--plan", "planned", "--dry-run"});
  CHECK(dry.exit_code == 2);
  CHECK(dry.err.find("--plan cannot be combined with --dry-run") != std::string::npos);

  // Nothing of it changed anything.
  CHECK(rig.statements("CREATE").empty());
  CHECK(rig.arm_requests("PUT", "/") == 0);
}

TEST_CASE("run --plan of a destructive workflow still lists what it destroys and asks first", "[workflows][plan]") {
  Rig rig;
  linkrig::link(rig, {"sales"});
  auto made = testsupport::run({testsupport::milink_binary().string(), "plan",
                                std::string(MILINK_WORKFLOWS_DIR) + "/remove-link.json", "-c", "config.json", "--set",
                                "database=sales", "--out", "removal"},
                               rig.dir.path());
  REQUIRE(made.exit_code == 0);
  int deletes = rig.arm_requests("DELETE", "/distributedAvailabilityGroups/DAG_sales");
  // No terminal and no --yes: the plan matches, and the run still refuses.
  auto r = rig.run("remove-link.json", {"--plan", "removal", "--set", "database=sales"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("DELETE link DAG_sales (database sales) on instance mi1") != std::string::npos);
  CHECK(rig.arm_requests("DELETE", "/distributedAvailabilityGroups/DAG_sales") == deletes);
  auto yes = rig.run("remove-link.json", {"--plan", "removal", "--set", "database=sales", "--yes"});
  INFO(yes.out << yes.err);
  CHECK(yes.exit_code == 0);
  CHECK(rig.arm_requests("DELETE", "/distributedAvailabilityGroups/DAG_sales") == deletes + 1);
}
