// The preflight step as users run it: the real milink binary, the bundled
// plugins, and an in-process emulator built from a scenario that breaks
// one prerequisite at a time. Every failure must fail the step (exit 1)
// with its exact FAIL line and remedy; warnings must not fail it; and no
// run may change anything on either server.
#include "app/emulator.hpp"
#include "state/scenario.hpp"
#include "test_support.hpp"

#include <milink/sdk/json.hpp>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>

#include <catch2/catch.hpp>

#include <algorithm>

#include <ctime>
#include <sstream>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;
using testsupport::read_file;
using testsupport::write_file;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// "YYYY-MM-DD", \p days from today (UTC).
std::string date_in_days(int days) {
  return Poco::DateTimeFormatter::format(Poco::DateTime() + Poco::Timespan(days, 0, 0, 0, 0), "%Y-%m-%d");
}

bool reads_only(const std::string& statement) {
  const auto b = statement.find_first_not_of(" \t\r\n");
  const std::string s = b == std::string::npos ? std::string() : statement.substr(b);
  // SELECTs, DBCC TRACESTATUS, the driver's sp_datatype_info at connect, and
  // the session pool's reset when a step hands its session back (the
  // login's database again, a transaction rolled back only when open).
  return s.rfind("SELECT ", 0) == 0 || s.rfind("DBCC TRACESTATUS", 0) == 0 || s.rfind("sp_datatype_info", 0) == 0 ||
         s.rfind("USE [master]", 0) == 0 || s.rfind("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION", 0) == 0;
}

/// An emulator from a scenario, its config, and a one-step workflow.
struct Rig {
  testsupport::TempDir dir;
  milink::emulator::Emulator emulator;
  Value config;
  std::size_t sql_log_start = 0, mi_log_start = 0;

  explicit Rig(const std::string& scenario = "{}") : emulator(options(scenario)) {
    emulator.start();
    emulator.write_config(dir / "milink.json");
    config = milink::sdk::parse_json(read_file(dir / "milink.json"));
    mark_logs();
  }

  static milink::emulator::EmulatorOptions options(const std::string& scenario) {
    milink::emulator::EmulatorOptions o;
    o.scenario = milink::emulator::parse_scenario(scenario, "<test scenario>");
    return o;
  }

  /// Statements before this point (the scenario's init_sql) are not the step's.
  void mark_logs() {
    sql_log_start = emulator.world().statement_log(milink::emulator::Personality::SqlServer).size();
    mi_log_start = emulator.world().statement_log(milink::emulator::Personality::ManagedInstance).size();
  }

  void set(const std::string& section, const std::string& key, const Value& v) {
    config.mutable_object().find(section)->mutable_object().set(key, v);
    write_file(dir / "milink.json", config.to_pretty_json());
  }

  /// The server-level preflight with a name check and a resolvable FQDN;
  /// \p with overrides or adds parameters.
  static Object server_with(const Object& with = {}) {
    Object w{{"server_name", Value("${{ config.sqlserver.name }}")}, {"instance_fqdn", Value("localhost")}};
    for (const auto& [k, v] : with) w.set(k, v);
    return w;
  }

  /// Only the per-database checks of \p databases.
  static Object databases_with(const Array& databases, const Object& with = {}) {
    Object w{{"server_checks", Value(false)}, {"databases", Value(databases)}};
    for (const auto& [k, v] : with) w.set(k, v);
    return w;
  }

  testsupport::ProcessResult run(const Object& with, const std::vector<std::string>& command = {"run"}) {
    Array steps{Value(Object{{"id", Value("preflight")}, {"uses", Value("preflight")}, {"with", Value(with)}})};
    return run_steps(steps, command);
  }

  /// `milink <command...> wf.json -c milink.json --plugin-path <bundled plugins>`
  testsupport::ProcessResult run_steps(const Array& steps, const std::vector<std::string>& command = {"run"}) {
    Value wf(Object{{"milink", Value(1)}, {"name", Value("preflight-test")}, {"steps", Value(steps)}});
    write_file(dir / "wf.json", wf.to_pretty_json());
    std::vector<std::string> argv{testsupport::milink_binary().string()};
    argv.insert(argv.end(), command.begin(), command.end());
    for (const char* a : {"wf.json", "-c", "milink.json", "--plugin-path", MILINK_PREFLIGHT_PLUGIN_DIR}) argv.push_back(a);
    auto r = testsupport::run(argv, dir.path());
    UNSCOPED_INFO("exit " << r.exit_code << "\n" << r.out << "\n" << r.err);
    return r;
  }

  /// Every FAIL line the step logged ("FAIL <check>: ..."), without the prefix.
  static std::vector<std::string> logged(const testsupport::ProcessResult& r, const std::string& verdict) {
    std::vector<std::string> out;
    const std::string marker = ": " + verdict + " ";
    for (const auto& line : lines_of(r.out)) {
      auto p = line.find(marker);
      if (p != std::string::npos && line.find("preflight") < p) out.push_back(line.substr(p + 2));
    }
    return out;
  }

  /// Every statement the step ran on either server.
  std::vector<std::string> statements() {
    std::vector<std::string> out;
    auto sql = emulator.world().statement_log(milink::emulator::Personality::SqlServer);
    auto mi = emulator.world().statement_log(milink::emulator::Personality::ManagedInstance);
    for (std::size_t i = sql_log_start; i < sql.size(); ++i) out.push_back(sql[i].text);
    for (std::size_t i = mi_log_start; i < mi.size(); ++i) out.push_back(mi[i].text);
    return out;
  }

  /// Both servers' state, without the statement log and the listeners.
  Value state() {
    Value d = emulator.dump();
    return Value(Object{{"sql_server", *d.get("sql_server")}, {"managed_instance", *d.get("managed_instance")}});
  }
};

/// The run failed the preflight step with exactly \p expected as its only
/// FAIL line, and the step's error repeats it.
void require_single_failure(const testsupport::ProcessResult& r, const std::string& expected) {
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 1);
  CHECK(fails[0] == expected);
  // A FAIL line is labelled as an error, not as a warning.
  CHECK(r.out.find("error    preflight: " + expected) != std::string::npos);
  CHECK(r.out.find("warning  preflight: FAIL") == std::string::npos);
  // The step's reason lists the failure (without the FAIL prefix) with its remedy.
  CHECK(r.out.find("FAILED   preflight") != std::string::npos);
  CHECK(r.out.find("observe: 1 of ") != std::string::npos);
  CHECK(r.out.find(" failed: " + expected.substr(5)) != std::string::npos);
}

}  // namespace

// --- the passing case ------------------------------------------------------------

TEST_CASE("preflight passes on a server ready for the link and changes nothing", "[preflight]") {
  Rig rig(R"json({"sql_server": {"version": "15.0.4312.2", "trace_flags": []}})json");
  Value before = rig.state();
  auto r = rig.run(Rig::server_with({{"databases", Value(Array{Value("sales")})}}));
  CHECK(r.exit_code == 0);
  CHECK(Rig::logged(r, "FAIL").empty());
  // Every check passes; the missing recommended trace flags are the only warning.
  auto warns = Rig::logged(r, "WARN");
  REQUIRE(warns.size() == 1);
  CHECK(warns[0] ==
        "WARN trace_flags: recommended trace flags off: 1800 (mixed 512-byte/4 KB sector sizes), 9567 (compressed "
        "seeding); add -T1800 -T9567 to the startup parameters (SQL Server Configuration Manager; Linux: mssql-conf "
        "traceflag 1800 9567 on) and restart SQL Server");
  auto passes = Rig::logged(r, "PASS");
  std::vector<std::string> expected = {
      "PASS version: SQL Server 2019 CU20 (15.0.4312.2)",
      "PASS edition: Developer Edition (64-bit)",
      "PASS hadr: Always On availability groups are enabled (IsHadrEnabled = 1)",
      "PASS master_key: master has no database master key yet; the sqlserver-cert step creates one",
      "PASS server_name: @@SERVERNAME is sqlbox1",
      "PASS certificate: certificate [Cert_sqlbox1_endpoint] does not exist in master; it will be created",
      "PASS collation: SQL Server and the managed instance both use SQL_Latin1_General_CP1_CI_AS",
      "PASS dns: localhost resolves to",
      "PASS arm: managed instance 'mi1' in resource group 'milink-rg' of subscription "
      "'00000000-0000-0000-0000-000000000000' exists (state Ready, provisioning Succeeded, sku GP_Gen5 (GeneralPurpose))",
      "PASS failover_mode: failover_mode auto gives none (one-way: failover to the instance only), because SQL Server "
      "15.0.4312.2 is older than 2022, which links only one way",
      "PASS database [sales]: [sales] exists (user database)",
      "PASS recovery_model [sales]: FULL",
      "PASS full_backup [sales]: last full backup",
      "PASS availability_group [sales]: [sales] is not in an availability group",
      "PASS state [sales]: ONLINE, read-write",
      "PASS log_files [sales]: [sales] has one log file",
      "PASS filestream [sales]: [sales] uses no FILESTREAM",
      "PASS memory_optimized [sales]: [sales] has no memory-optimized filegroup",
      "PASS tde [sales]: [sales] is not encrypted with TDE",
      "PASS log_backup_jobs [sales]: no scheduled SQL Agent job backs up the log of [sales]",
      "PASS instance_ag_name [sales]: no other link on managed instance 'mi1' uses the availability group name "
      "'AG_sales_MI'",
  };
  REQUIRE(passes.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(passes[i].rfind(expected[i], 0) == 0);
  CHECK(r.out.find("ok       preflight") != std::string::npos);
  CHECK(r.out.find("21 checks passed, 1 warning") != std::string::npos);

  // Nothing changed: only reads reached the servers, and their state is as before.
  auto statements = rig.statements();
  CHECK_FALSE(statements.empty());
  for (const auto& s : statements) {
    INFO(s);
    CHECK(reads_only(s));
  }
  CHECK(rig.state() == before);
}

TEST_CASE("preflight outputs the counts, the checks and what it learnt", "[preflight]") {
  Rig rig;
  Array steps{
      Value(Object{{"id", Value("preflight")}, {"uses", Value("preflight")}, {"with", Value(Rig::server_with())}}),
      Value(Object{{"id", Value("per_db")},
                   {"for_each", Value(Array{Value("sales")})},
                   {"as", Value("db")},
                   {"steps", Value(Array{Value(Object{
                                 {"id", Value("db_preflight")},
                                 {"uses", Value("preflight")},
                                 {"with", Value(Rig::databases_with(Array{Value("${{ db }}")}))}})})}}),
  };
  Value wf(Object{{"milink", Value(1)}, {"name", Value("preflight-test")}, {"steps", Value(steps)}});
  write_file(rig.dir / "wf.json", wf.to_pretty_json());
  auto r = testsupport::run({testsupport::milink_binary().string(), "run", "wf.json", "-c", "milink.json",
                             "--output", "json", "--plugin-path", MILINK_PREFLIGHT_PLUGIN_DIR},
                            rig.dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const Object* server = nullptr;
  const Object* db = nullptr;
  std::vector<Value> events;
  for (const auto& line : lines_of(r.out)) {
    if (line.empty() || line[0] != '{') continue;
    events.push_back(milink::sdk::parse_json(line));
  }
  for (const auto& e : events) {
    const Value* ev = e.get("event");
    if (!ev || ev->as_string() != "step_end") continue;
    if (e.get("step")->as_string() == "preflight") server = &e.get("outputs")->as_object();
    if (e.get("step")->as_string() == "per_db[sales].db_preflight") db = &e.get("outputs")->as_object();
  }
  REQUIRE(server != nullptr);
  REQUIRE(db != nullptr);
  CHECK(server->find("server_name")->as_string() == "sqlbox1");
  CHECK(server->find("product_version")->as_string() == "15.0.4312.2");
  CHECK(server->find("certificate_name")->as_string() == "Cert_sqlbox1_endpoint");
  CHECK(server->find("failover_mode")->as_string() == "none");
  CHECK(server->find("passed")->as_int() == 11);
  CHECK(server->find("warnings")->as_int() == 0);
  const auto& checks = server->find("checks")->as_array();
  REQUIRE(checks.size() == 11);
  CHECK(checks[0].get("check")->as_string() == "version");
  CHECK(checks[0].get("status")->as_string() == "PASS");
  CHECK(db->find("passed")->as_int() == 11);  // with the feature checks and instance_ag_name
  CHECK(db->find("server_name")->as_string().empty());
}

// --- warnings do not fail the step -------------------------------------------------

TEST_CASE("preflight warns about a certificate that expires soon", "[preflight]") {
  Rig rig(R"json({"sql_server": {"master_key": true, "init_sql": ["CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'link', EXPIRY_DATE = ')json" +
          date_in_days(10) + R"json('"]}})json");
  auto r = rig.run(Rig::server_with());
  CHECK(r.exit_code == 0);
  auto warns = Rig::logged(r, "WARN");
  bool found = false;
  for (const auto& w : warns)
    if (w.rfind("WARN certificate: certificate [Cert_sqlbox1_endpoint] in master expires on " + date_in_days(10) +
                    " UTC, in ",
                0) == 0) {
      found = true;
      CHECK(w.find(" days (warn_days 30); plan its rotation before it expires: an expired certificate breaks the link") !=
            std::string::npos);
    }
  CHECK(found);
  CHECK(r.out.find("PASS master_key: master has a database master key") != std::string::npos);
}

TEST_CASE("preflight passes a certificate valid beyond warn_days", "[preflight]") {
  Rig rig(R"json({"sql_server": {"master_key": true, "init_sql": ["CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'link', EXPIRY_DATE = ')json" +
          date_in_days(10) + R"json('"]}})json");
  auto r = rig.run(Rig::server_with({{"warn_days", Value(5)}}));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("PASS certificate: certificate [Cert_sqlbox1_endpoint] in master is valid until " + date_in_days(10) +
                   " UTC") != std::string::npos);
}

TEST_CASE("preflight warns on Standard edition", "[preflight]") {
  Rig rig(R"json({"sql_server": {"edition": "Standard Edition (64-bit)"}})json");
  auto r = rig.run(Rig::server_with());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("WARN edition: Standard Edition (64-bit): basic availability groups only (one database per "
                   "availability group, as the link uses); supported for one database per link; multi-database links "
                   "need Enterprise or Developer edition") != std::string::npos);
}

TEST_CASE("preflight with allow_prepare_database only warns about recovery and backups", "[preflight]") {
  Rig rig;
  auto r = rig.run(Rig::databases_with(Array{Value("hr")}, {{"allow_prepare_database", Value(true)}}));
  CHECK(r.exit_code == 0);
  CHECK(Rig::logged(r, "FAIL").empty());
  auto warns = Rig::logged(r, "WARN");
  REQUIRE(warns.size() == 2);
  CHECK(warns[0] == "WARN recovery_model [hr]: [hr] uses the SIMPLE recovery model, not FULL; the ag step will set FULL "
                    "recovery and take a full backup (allow_prepare_database)");
  CHECK(warns[1] == "WARN full_backup [hr]: [hr] has no full backup; the ag step will take a full backup "
                    "(allow_prepare_database)");
  CHECK(r.out.find("9 checks passed, 2 warnings") != std::string::npos);
}

TEST_CASE("preflight says which failover mode applies and why, by arm-link's auto rule", "[preflight]") {
  SECTION("SQL Server 2022 and the instance's update policy SQLServer2022: two-way") {
    Rig rig(R"json({"sql_server": {"version": "16.0.4135.4"}})json");
    auto r = rig.run(Rig::server_with());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("PASS failover_mode: failover_mode auto gives manual (two-way: the database can fail back to SQL "
                     "Server), because SQL Server 16.0.4135.4 and the instance's update policy SQLServer2022 match "
                     "(two-way: it can fail back)") != std::string::npos);
  }
  SECTION("none, asked for, passes and says what auto would give") {
    Rig rig(R"json({"sql_server": {"version": "16.0.4135.4"}})json");
    auto r = rig.run(Rig::server_with({{"failover_mode", Value("none")}}));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("PASS failover_mode: failover_mode none (one-way), as the workflow asks; auto would give manual "
                     "(two-way") != std::string::npos);
  }
}

// --- one test per failure --------------------------------------------------------------

TEST_CASE("preflight fails when the workflow asks for a two-way link SQL Server 2019 cannot have", "[preflight]") {
  Rig rig(R"json({"sql_server": {"version": "15.0.4312.2"}})json");
  require_single_failure(rig.run(Rig::server_with({{"failover_mode", Value("manual")}})),
                         "FAIL failover_mode: failover_mode manual (two-way) is not possible: SQL Server 15.0.4312.2 is "
                         "older than 2022, which links only one way; use failover_mode none (or auto), or give the "
                         "managed instance the update policy that matches SQL Server's version (SQL Server 2022 for "
                         "2022, SQL Server 2025 for 2025; SQL Server before 2022 links one way only)");
}

TEST_CASE("preflight fails on SQL Server 2014", "[preflight]") {
  Rig rig(R"json({"sql_server": {"version": "12.0.6024.0", "update_level": ""}})json");
  require_single_failure(rig.run(Rig::server_with()),
                         "FAIL version: SQL Server 2014 (12.0.6024.0) is not supported by the Managed Instance link; "
                         "upgrade to SQL Server 2019 CU20 (15.0.4312.2) or later, or SQL Server 2022 or 2025");
}

TEST_CASE("preflight fails on SQL Server 2019 below CU20", "[preflight]") {
  // CU15 was the minimum in older docs; the current docs give CU20.
  Rig rig(R"json({"sql_server": {"version": "15.0.4198.2"}})json");
  require_single_failure(rig.run(Rig::server_with()),
                         "FAIL version: SQL Server 2019 CU15 (15.0.4198.2) is below SQL Server 2019 CU20 (15.0.4312.2), "
                         "the link's minimum; install SQL Server 2019 CU20 (KB5024276) or a later cumulative update");
}

TEST_CASE("preflight fails on Express edition", "[preflight]") {
  Rig rig(R"json({"sql_server": {"edition": "Express Edition (64-bit)"}})json");
  require_single_failure(rig.run(Rig::server_with()),
                         "FAIL edition: Express Edition (64-bit) does not support availability groups, which the link "
                         "needs; use SQL Server Enterprise, Developer or Standard edition");
}

TEST_CASE("preflight fails when Always On is disabled", "[preflight]") {
  Rig rig(R"json({"sql_server": {"hadr_enabled": false}})json");
  require_single_failure(rig.run(Rig::server_with()),
                         "FAIL hadr: Always On availability groups are disabled (IsHadrEnabled = 0); enable Always On "
                         "availability groups in SQL Server Configuration Manager (Linux: mssql-conf set "
                         "hadr.hadrenabled 1) and restart the SQL Server service");
}

TEST_CASE("preflight fails when server_name is not @@SERVERNAME", "[preflight]") {
  Rig rig;
  require_single_failure(rig.run(Rig::server_with({{"server_name", Value("SQLBOX2")}})),
                         "FAIL server_name: server_name is 'SQLBOX2' but @@SERVERNAME is 'sqlbox1'; the certificate "
                         "and the availability group replica are named after @@SERVERNAME; set sqlserver.name in the "
                         "config to 'sqlbox1' (the value of @@SERVERNAME)");
}

TEST_CASE("preflight fails when the collations differ", "[preflight]") {
  Rig rig(R"json({"managed_instance": {"collation": "Latin1_General_CS_AS"}})json");
  require_single_failure(rig.run(Rig::server_with()),
                         "FAIL collation: SQL Server's collation SQL_Latin1_General_CP1_CI_AS differs from the managed "
                         "instance's Latin1_General_CS_AS; use the same server collation on both (a mismatch can change "
                         "server-name casing and keep the link from connecting); a managed instance's collation is "
                         "chosen when it is created");
}

TEST_CASE("preflight fails naming the managed instance target when it cannot be reached", "[preflight]") {
  Rig rig;
  // A port nothing listens on: the emulator's ARM port is HTTPS, take a closed one instead.
  rig.set("managed_instance", "port", Value(1));
  auto r = rig.run(Rig::server_with());
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 1);
  CHECK(fails[0].rfind("FAIL collation: cannot connect to SQL target 'managed_instance': ", 0) == 0);
  CHECK(fails[0].find("; check the \"managed_instance\" section of the config (host, port, user, password, "
                      "encryption) and that the server accepts connections from this machine") != std::string::npos);
}

TEST_CASE("preflight fails when SQL Server cannot be reached and still checks DNS and ARM", "[preflight]") {
  Rig rig;
  rig.set("sqlserver", "port", Value(1));
  auto r = rig.run(Rig::server_with({{"databases", Value(Array{Value("sales")})}}));
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 1);
  CHECK(fails[0].rfind("FAIL connection: cannot connect to SQL target 'sqlserver': ", 0) == 0);
  CHECK(fails[0].find("; check the \"sqlserver\" section of the config (host, port, user, password, encryption) and "
                      "that the server accepts connections from this machine") != std::string::npos);
  CHECK(r.out.find("PASS dns: localhost resolves to") != std::string::npos);
  CHECK(r.out.find("PASS arm: managed instance 'mi1'") != std::string::npos);
}

TEST_CASE("preflight fails on an expired endpoint certificate", "[preflight]") {
  Rig rig(R"json({"sql_server": {"master_key": true, "init_sql": ["CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'link', EXPIRY_DATE = '2030-01-01'"]}})json");
  {
    // CREATE CERTIFICATE refuses a past EXPIRY_DATE (15214), so age the certificate in place.
    auto lock = rig.emulator.world().lock();
    for (auto& c : rig.emulator.world().sql_server.master().certificates)
      if (c.name == "Cert_sqlbox1_endpoint") c.x509.not_after = milink::sdk::SqlDateTime{2024, 3, 30, 0, 0, 0, 0};
  }
  require_single_failure(
      rig.run(Rig::server_with()),
      "FAIL certificate: certificate [Cert_sqlbox1_endpoint] in master expired on 2024-03-30 UTC; rotate it: create a "
      "new certificate, switch the mirroring endpoint to it and upload it to the managed instance (or, if nothing uses "
      "it yet, DROP CERTIFICATE [Cert_sqlbox1_endpoint] in master and let the sqlserver-cert step create a new one)");
}

TEST_CASE("preflight names a named instance certificate as the sqlserver-cert step does", "[preflight]") {
  Rig rig(R"json({"sql_server": {"name": "sqlbox1\\INST1"}})json");
  auto r = rig.run(Rig::server_with());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("PASS server_name: @@SERVERNAME is sqlbox1\\INST1") != std::string::npos);
  CHECK(r.out.find("PASS certificate: certificate [Cert_sqlbox1_INST1_endpoint] does not exist in master") !=
        std::string::npos);
}

TEST_CASE("preflight checks the certificate named by certificate_name", "[preflight]") {
  Rig rig(R"json({"sql_server": {"master_key": true, "init_sql": ["CREATE CERTIFICATE [my cert] WITH SUBJECT = 'link', EXPIRY_DATE = '2030-01-01'"]}})json");
  {
    auto lock = rig.emulator.world().lock();
    for (auto& c : rig.emulator.world().sql_server.master().certificates)
      if (c.name == "my cert") c.x509.not_after = milink::sdk::SqlDateTime{2025, 1, 2, 0, 0, 0, 0};
  }
  auto r = rig.run(Rig::server_with({{"certificate_name", Value("my cert")}}));
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("FAIL certificate: certificate [my cert] in master expired on 2025-01-02 UTC") != std::string::npos);
}

TEST_CASE("preflight fails on a database that does not exist", "[preflight]") {
  Rig rig;
  require_single_failure(rig.run(Rig::databases_with(Array{Value("nosuch")})),
                         "FAIL database [nosuch]: [nosuch] does not exist on SQL Server; check the database name "
                         "(databases / config.databases); names must match sys.databases");
}

TEST_CASE("preflight fails on a system database", "[preflight]") {
  Rig rig;
  require_single_failure(rig.run(Rig::databases_with(Array{Value("msdb")})),
                         "FAIL database [msdb]: [msdb] is a system database; system databases cannot be replicated by "
                         "the link; link user databases only; script instance-level objects (logins, jobs) and run the "
                         "scripts on the managed instance");
}

TEST_CASE("preflight fails on the SIMPLE recovery model", "[preflight]") {
  Rig rig(R"json({"sql_server": {"databases": [{"name": "simple_db", "recovery": "SIMPLE", "backups": ["full"]}]}})json");
  auto r = rig.run(Rig::databases_with(Array{Value("simple_db")}));
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 2);
  CHECK(fails[0] == "FAIL recovery_model [simple_db]: [simple_db] uses the SIMPLE recovery model, not FULL; run ALTER "
                    "DATABASE [simple_db] SET RECOVERY FULL, then take a full backup without COPY_ONLY (else error 1475)");
  // Its full backup was taken in SIMPLE, so it does not start the log chain
  // either; it is the user's differential base, so the remedy that keeps it
  // (a differential backup) comes first.
  CHECK(fails[1] == "FAIL full_backup [simple_db]: [simple_db] has only full backups taken in the SIMPLE recovery "
                    "model, which do not start the log chain; start the log chain in the FULL recovery model with a "
                    "differential backup, which keeps your differential base (BACKUP DATABASE [simple_db] TO DISK = "
                    "N'<file>' WITH DIFFERENTIAL), or a full backup without COPY_ONLY (error 1475 otherwise)");
  CHECK(r.out.find("observe: 2 of 11 preflight checks failed: recovery_model [simple_db]: ") != std::string::npos);
}

TEST_CASE("preflight fails on a database without a full backup", "[preflight]") {
  Rig rig(R"json({"sql_server": {"databases": [{"name": "nobackup", "recovery": "FULL", "backups": []}]}})json");
  require_single_failure(rig.run(Rig::databases_with(Array{Value("nobackup")})),
                         "FAIL full_backup [nobackup]: [nobackup] has no full backup; take a full backup without "
                         "COPY_ONLY (error 1475) in the FULL recovery model, e.g. BACKUP DATABASE [nobackup] TO DISK = "
                         "N'<file>'");
}

TEST_CASE("preflight fails on a database with only a copy-only full backup", "[preflight]") {
  Rig rig(R"json({"sql_server": {"databases": [{"name": "copyonly", "recovery": "FULL", "backups": ["copy_only"]}]}})json");
  require_single_failure(rig.run(Rig::databases_with(Array{Value("copyonly")})),
                         "FAIL full_backup [copyonly]: [copyonly] has only COPY_ONLY full backups (1), which do not "
                         "start a backup chain; take a full backup without COPY_ONLY (error 1475) in the FULL recovery "
                         "model, e.g. BACKUP DATABASE [copyonly] TO DISK = N'<file>'");
}

TEST_CASE("preflight fails on a database already in another availability group", "[preflight]") {
  Rig rig(R"json({"sql_server": {"init_sql": ["CREATE AVAILABILITY GROUP [AG_reporting] WITH (CLUSTER_TYPE = NONE) )json"
          R"json(FOR DATABASE [sales] REPLICA ON N'sqlbox1' WITH (ENDPOINT_URL = 'TCP://127.0.0.1:5022', )json"
          R"json(AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)"]}})json");
  require_single_failure(rig.run(Rig::databases_with(Array{Value("sales")})),
                         "FAIL availability_group [sales]: [sales] is already in availability group [AG_reporting]; the "
                         "link needs one database per availability group; remove it (ALTER AVAILABILITY GROUP "
                         "[AG_reporting] REMOVE DATABASE [sales]) or link another database; an existing link for it needs "
                         "no new one");
}

TEST_CASE("preflight passes a database already in the availability group the workflow creates for it", "[preflight]") {
  // A re-run of a finished workflow: sales is in AG_sales (ag_name_pattern AG_{db}).
  Rig rig(R"json({"sql_server": {"init_sql": ["CREATE AVAILABILITY GROUP [AG_sales] WITH (CLUSTER_TYPE = NONE) )json"
          R"json(FOR DATABASE [sales] REPLICA ON N'sqlbox1' WITH (ENDPOINT_URL = 'TCP://127.0.0.1:5022', )json"
          R"json(AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC)"]}})json");
  auto r = rig.run(Rig::databases_with(Array{Value("sales")}));
  CHECK(Rig::logged(r, "FAIL").empty());
  auto passes = Rig::logged(r, "PASS");
  CHECK(std::find(passes.begin(), passes.end(),
                  "PASS availability_group [sales]: [sales] is already in [AG_sales], the availability group the "
                  "workflow creates for it (a re-run)") != passes.end());
}

TEST_CASE("preflight fails on an offline or read-only database", "[preflight]") {
  Rig rig(R"json({"sql_server": {"databases": [{"name": "off", "state": "OFFLINE", "backups": ["full"]},
                                           {"name": "ro", "read_only": true, "backups": ["full"]}]}})json");
  auto r = rig.run(Rig::databases_with(Array{Value("off"), Value("ro")}));
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 2);
  CHECK(fails[0] == "FAIL state [off]: [off] is OFFLINE; bring it online (ALTER DATABASE [off] SET ONLINE) and make "
                    "sure recovery has finished");
  CHECK(fails[1] == "FAIL state [ro]: [ro] is READ_ONLY; an availability group needs a read-write database; run ALTER "
                    "DATABASE [ro] SET READ_WRITE");
}

TEST_CASE("preflight fails when the instance FQDN does not resolve", "[preflight]") {
  Rig rig;
  auto r = rig.run(Rig::server_with({{"instance_fqdn", Value("mi1.preflight-test.invalid")}}));
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 1);
  CHECK(fails[0].rfind("FAIL dns: mi1.preflight-test.invalid does not resolve (", 0) == 0);
  CHECK(fails[0].find("); check DNS on this machine and on the SQL Server host (nslookup mi1.preflight-test.invalid); "
                      "with custom DNS on the virtual network, make sure it forwards the managed instance's zone; check "
                      "instance_fqdn / managed_instance.fqdn in the config") != std::string::npos);
}

TEST_CASE("preflight fails when ARM does not know the managed instance", "[preflight]") {
  Rig rig;
  rig.set("azure", "instance_name", Value("mi-wrong"));
  auto r = rig.run(Rig::server_with());
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 1);
  CHECK(fails[0].rfind("FAIL arm: managed instance 'mi-wrong' in resource group 'milink-rg' of subscription "
                       "'00000000-0000-0000-0000-000000000000' not found (404",
                       0) == 0);
  CHECK(fails[0].find("); check azure.subscription_id, azure.resource_group and azure.instance_name in the config") !=
        std::string::npos);
}

TEST_CASE("preflight fails when the Azure credential cannot sign in", "[preflight]") {
  Rig rig;
  write_file(rig.dir / "milink.json.client-secret", "not-the-secret-0123456789\n");
  auto r = rig.run(Rig::server_with());
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 1);
  CHECK(fails[0].rfind("FAIL arm: could not authenticate to read the managed instance 'mi1' in resource group "
                       "'milink-rg' of subscription '00000000-0000-0000-0000-000000000000': ",
                       0) == 0);
  CHECK(fails[0].find("AADSTS7000215") != std::string::npos);
  CHECK(fails[0].find("; sign in / fix the credential named by azure.credential, and give its identity the \"SQL "
                      "Managed Instance Contributor\" role on the managed instance (or its resource group)") !=
        std::string::npos);
  CHECK(r.out.find("not-the-secret-0123456789") == std::string::npos);
}

TEST_CASE("preflight fails when ARM refuses the token", "[preflight]") {
  Rig rig;
  rig.config.mutable_object().find("providers")->mutable_object().set(
      "bad", Value(Object{{"use", Value("static-token")}, {"with", Value(Object{{"env", Value("MILINK_BAD_TOKEN")}})}}));
  rig.set("azure", "credential", Value("bad"));
  Value wf(Object{{"milink", Value(1)},
                  {"name", Value("preflight-test")},
                  {"steps", Value(Array{Value(Object{{"id", Value("preflight")},
                                                     {"uses", Value("preflight")},
                                                     {"with", Value(Rig::server_with())}})})}});
  write_file(rig.dir / "wf.json", wf.to_pretty_json());
  auto r = testsupport::run({testsupport::milink_binary().string(), "run", "wf.json", "-c", "milink.json",
                             "--plugin-path", MILINK_PREFLIGHT_PLUGIN_DIR},
                            rig.dir.path(), {{"MILINK_BAD_TOKEN", "not.a.token"}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 1);
  CHECK(fails[0].rfind("FAIL arm: could not authenticate to read the managed instance 'mi1' ", 0) == 0);
  CHECK(fails[0].find("401 InvalidAuthenticationToken") != std::string::npos);
  CHECK(fails[0].find("\"SQL Managed Instance Contributor\" role") != std::string::npos);
}

// --- the step as a whole -------------------------------------------------------------

TEST_CASE("preflight lists every failure and stops the workflow before its next step", "[preflight]") {
  Rig rig(R"json({"sql_server": {"version": "15.0.2000.5", "hadr_enabled": false}})json");
  Value before = rig.state();
  Array steps{
      Value(Object{{"id", Value("preflight")},
                   {"uses", Value("preflight")},
                   {"with", Value(Rig::server_with({{"databases", Value(Array{Value("hr")})}}))}}),
      Value(Object{{"id", Value("after")}, {"uses", Value("preflight")}, {"with", Value(Rig::server_with())}}),
  };
  auto r = rig.run_steps(steps);
  CHECK(r.exit_code == 1);
  auto fails = Rig::logged(r, "FAIL");
  REQUIRE(fails.size() == 4);
  CHECK(r.out.find("observe: 4 of 22 preflight checks failed: version: SQL Server 2019 (15.0.2000.5) is below") !=
        std::string::npos);
  CHECK(r.out.find(" | hadr: Always On availability groups are disabled (IsHadrEnabled = 0); enable Always On") !=
        std::string::npos);
  CHECK(r.out.find(" | recovery_model [hr]: ") != std::string::npos);
  CHECK(r.out.find(" | full_backup [hr]: ") != std::string::npos);
  CHECK(r.out.find("start    after") == std::string::npos);
  CHECK(r.out.find("skipped  after") != std::string::npos);
  for (const auto& s : rig.statements()) {
    INFO(s);
    CHECK(reads_only(s));
  }
  CHECK(rig.state() == before);
}

TEST_CASE("milink plan --offline describes the preflight checks without connecting", "[preflight]") {
  Rig rig;
  auto r = rig.run(Rig::server_with({{"databases", Value(Array{Value("sales")})}}), {"plan", "--offline"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("preflight (read-only): version and CU, the link's procedures, edition, HADR, failover cluster "
                   "(2016), trace flags 1800/9567, database master key, "
                   "@@SERVERNAME = sqlbox1, certificate Cert_<@@SERVERNAME>_endpoint not expired (warn within 30 days)") !=
        std::string::npos);
  CHECK(r.out.find("preflight (read-only): GET the managed instance https://127.0.0.1:") != std::string::npos);
  CHECK(r.out.find("preflight (read-only): database sales exists") != std::string::npos);
  CHECK(rig.statements().empty());
}

TEST_CASE("preflight passes under --dry-run, where milink allows only reads", "[preflight]") {
  Rig rig;
  auto r = rig.run(Rig::server_with({{"databases", Value(Array{Value("sales")})}}), {"run", "--dry-run"});
  CHECK(r.exit_code == 0);
  CHECK(Rig::logged(r, "FAIL").empty());
  CHECK(r.out.find("ok       preflight") != std::string::npos);
  CHECK(r.out.find("22 checks passed, 0 warnings") != std::string::npos);
}

TEST_CASE("preflight rejects bad parameters before connecting", "[preflight]") {
  Rig rig;  // one emulator for every case: none of them may reach it
  struct Case {
    Object with;
    std::string param;
    std::string error;  ///< preflight's own message
  };
  std::vector<Case> cases = {
      {Rig::server_with({{"warn_days", Value(-1)}}), "warn_days", "warn_days must be between 0 and 3650, got -1"},
      {Rig::server_with({{"instance_fqdn", Value("https://mi1.example.net")}}), "instance_fqdn",
       "instance_fqdn 'https://mi1.example.net' is not a host name"},
      {Rig::server_with({{"api_version", Value("latest")}}), "api_version",
       "api_version 'latest' is not an ARM api-version such as 2025-01-01"},
      {Object{{"server_checks", Value(false)}}, "databases",
       "nothing to check: server_checks is false and databases is empty"},
      {Rig::databases_with(Array{Value("sales"), Value("SALES")}), "databases", "database 'SALES' is listed twice"},
      {Rig::databases_with(Array{Value("")}), "databases", "a database name must not be empty"},
  };
  for (const auto& c : cases) {
    INFO(c.error);
    // Refused when every step is configured before the run: exit code 2, the
    // workflow's parameter named, and nothing run.
    auto r = rig.run(c.with);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("wf.json:") != std::string::npos);
    CHECK(r.err.find(": /steps/0/with/" + c.param + ": step \"preflight\" (preflight) refuses parameter \"" + c.param +
                     "\": " + c.error) != std::string::npos);
    CHECK(r.err.find("nothing was run") != std::string::npos);
    CHECK(r.out.find("preflight") == std::string::npos);  // no step started
  }
  CHECK(rig.statements().empty());
}

// --- versions decided by the link's procedures (the Azure Connect pack) -----------

namespace {

/// Runs \p with twice: the same single FAIL \p expected both times, only
/// reads, and both servers' state unchanged (a re-run is a no-op).
void require_refused_twice(Rig& rig, const Object& with, const std::string& expected) {
  Value before = rig.state();
  for (int run = 0; run < 2; ++run) {
    INFO("run " << run + 1);
    require_single_failure(rig.run(with), expected);
  }
  for (const auto& s : rig.statements()) {
    INFO(s);
    CHECK(reads_only(s));
  }
  CHECK(rig.state() == before);
}

bool passed(const testsupport::ProcessResult& r, const std::string& line) {
  for (const auto& p : Rig::logged(r, "PASS"))
    if (p.rfind(line, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("preflight refuses SQL Server 2016 SP3 without the Azure Connect pack", "[preflight][versions]") {
  Rig rig(R"json({"sql_server": {"version": "13.0.6300.2", "wsfc_node": true}})json");
  require_refused_twice(rig, Rig::server_with(),
                        "FAIL version: SQL Server 2016 (13.0.6300.2) has no Azure Connect feature pack: "
                        "sp_certificate_add_issuer and sp_get_endpoint_certificate are missing; install the SQL Server "
                        "2016 Azure Connect feature pack (KB5014242, 13.0.7000.253), or upgrade to SQL Server 2019 CU20 "
                        "(15.0.4312.2) or later, or SQL Server 2022 or 2025");
}

TEST_CASE("preflight refuses SQL Server 2016 off a failover cluster, with the reason", "[preflight][versions]") {
  Rig rig(R"json({"sql_server": {"version": "13.0.7000.253"}})json");
  require_refused_twice(rig, Rig::server_with(),
                        "FAIL wsfc: SQL Server 2016 is not a node of a Windows Server failover cluster: 2016 creates "
                        "availability groups only on one (CLUSTER_TYPE = NONE came with SQL Server 2017); add the "
                        "server to a Windows Server failover cluster and enable Always On availability groups (the "
                        "link's WSFC preparation guide), or upgrade to SQL Server 2019 CU20 or later, 2022 or 2025");
}

TEST_CASE("preflight passes SQL Server 2016 SP3 with the Azure Connect pack on a failover cluster",
          "[preflight][versions]") {
  Rig rig(R"json({"sql_server": {"version": "13.0.7000.253", "wsfc_node": true}})json");
  auto r = rig.run(Rig::server_with());
  CHECK(r.exit_code == 0);
  CHECK(Rig::logged(r, "FAIL").empty());
  CHECK(passed(r, "PASS version: SQL Server 2016 (13.0.7000.253) with the Azure Connect feature pack "
                  "(sp_certificate_add_issuer and sp_get_endpoint_certificate exist)"));
  CHECK(passed(r, "PASS wsfc: a node of the Windows Server failover cluster sqlbox1-wsfc; the ag step creates the "
                  "availability group without CLUSTER_TYPE, as SQL Server 2016 needs"));
}

TEST_CASE("preflight decides SQL Server 2017 CU31 by the Azure Connect pack's procedures", "[preflight][versions]") {
  SECTION("without the pack: refused") {
    Rig rig(R"json({"sql_server": {"version": "14.0.3456.2"}})json");
    require_refused_twice(rig, Rig::server_with(),
                          "FAIL version: SQL Server 2017 CU31 (14.0.3456.2) has no Azure Connect feature pack: "
                          "sp_certificate_add_issuer and sp_get_endpoint_certificate are missing; install the SQL "
                          "Server 2017 Azure Connect feature pack (14.0.3490.10), or upgrade to SQL Server 2019 CU20 "
                          "(15.0.4312.2) or later, or SQL Server 2022 or 2025");
  }
  SECTION("with the pack: passes, and no failover cluster is asked for") {
    Rig rig(R"json({"sql_server": {"version": "14.0.3490.10"}})json");
    auto r = rig.run(Rig::server_with());
    CHECK(r.exit_code == 0);
    CHECK(passed(r, "PASS version: SQL Server 2017 CU31 (14.0.3490.10) with the Azure Connect feature pack "
                    "(sp_certificate_add_issuer and sp_get_endpoint_certificate exist)"));
    CHECK(r.out.find("wsfc") == std::string::npos);
  }
}

// --- database features the link cannot carry, refused before any change ----------

namespace {

/// A scenario whose database sales has \p features (JSON members).
std::string sales_with(const std::string& features, const std::string& extra = "") {
  return R"json({"sql_server": {"databases": [{"name": "sales", "backups": ["full"], )json" + features + "}]" +
         extra + "}}";
}

const Object kSales = Rig::databases_with(Array{Value("sales")});

}  // namespace

TEST_CASE("preflight refuses a database with two log files", "[preflight][features]") {
  Rig rig(sales_with(R"("log_files": 2)"));
  require_refused_twice(rig, kSales,
                        "FAIL log_files [sales]: [sales] has 2 log files; the link replicates a database with a single "
                        "log file only (ManagedInstanceLinkSourceDbHasMultipleLogFiles); empty and remove the extra log "
                        "files (DBCC SHRINKFILE (<file>, EMPTYFILE) after a log backup, then ALTER DATABASE [sales] "
                        "REMOVE FILE <file>; the names are in [sales].sys.database_files)");
}

TEST_CASE("preflight refuses a database with FILESTREAM", "[preflight][features]") {
  Rig rig(sales_with(R"("filestream": true)"));
  require_refused_twice(rig, kSales,
                        "FAIL filestream [sales]: [sales] has the FILESTREAM filegroup [sales_fs]; the link cannot "
                        "replicate FILESTREAM or FileTables (ManagedInstanceLinkSourceDbHasFilestream); move the "
                        "FILESTREAM data (and FileTables) out of the database and remove the filegroup, or migrate the "
                        "database another way");
}

TEST_CASE("preflight refuses a memory-optimized filegroup for a General Purpose instance", "[preflight][features]") {
  Rig rig(sales_with(R"("memory_optimized": true)"));  // the emulated instance is GP_Gen5
  require_refused_twice(rig, kSales,
                        "FAIL memory_optimized [sales]: [sales] has the memory-optimized (In-Memory OLTP) filegroup "
                        "[sales_mod]; on a GeneralPurpose managed instance it must be empty "
                        "(ManagedInstanceLinkSourceDbHasHekatonFile); empty the memory-optimized filegroup on SQL Server "
                        "(move or drop its memory-optimized tables), or use a Business Critical managed instance");
  // Without ARM the tier is unknown: a warning, not a refusal.
  auto r = rig.run(Rig::databases_with(Array{Value("sales")}, {{"check_arm", Value(false)}}));
  CHECK(r.exit_code == 0);
  auto warns = Rig::logged(r, "WARN");
  REQUIRE(warns.size() == 1);
  CHECK(warns[0].rfind("WARN memory_optimized [sales]: [sales] has the memory-optimized (In-Memory OLTP) filegroup "
                       "[sales_mod]; it must be empty unless the managed instance is Business Critical",
                       0) == 0);
}

TEST_CASE("preflight refuses a TDE database whose certificate the managed instance lacks", "[preflight][features]") {
  Rig rig(sales_with(R"("tde": {"certificate": "TDE_sales"})"));
  require_refused_twice(
      rig, kSales,
      "FAIL tde [sales]: [sales] is encrypted with TDE by [TDE_sales], which the managed instance does not have "
      "(ManagedInstanceLinkTdeCertificateMissing); back up [TDE_sales] with its private key on SQL Server (BACKUP "
      "CERTIFICATE ... WITH PRIVATE KEY) and upload it to the managed instance "
      "(Add-AzSqlManagedInstanceTransparentDataEncryptionCertificate, or a customer-managed key in Azure Key Vault) "
      "before linking");
}

TEST_CASE("preflight passes a TDE database whose certificate is on the managed instance", "[preflight][features]") {
  Rig rig(sales_with(R"("tde": {"certificate": "TDE_sales", "on_managed_instance": true})"));
  auto r = rig.run(kSales);
  CHECK(r.exit_code == 0);
  CHECK(passed(r, "PASS tde [sales]: [sales] is encrypted with TDE by [TDE_sales], which the managed instance has"));
}

TEST_CASE("preflight refuses a scheduled log-backup job that would run during seeding", "[preflight][features]") {
  const std::string job =
      R"json(, "agent": {"jobs": [{"name": "LogBackup sales", "steps": [{"name": "Back up the log",
         "command": "BACKUP LOG [sales] TO DISK = N'C:\\Backup\\sales.trn'"}],
         "schedules": [{"name": "Every 15 minutes"}]}]})json";
  SECTION("refused, with the job to disable and the trace flag") {
    Rig rig(sales_with(R"("log_files": 1)", job));
    require_refused_twice(
        rig, kSales,
        "FAIL log_backup_jobs [sales]: the scheduled SQL Agent job [LogBackup sales] backs up the log of [sales]: a "
        "log backup during seeding truncates the log and the link fails (errors 1408/1412, the link must then be "
        "dropped and created again); disable the job until seeding has finished (EXEC msdb.dbo.sp_update_job "
        "@job_name = N'LogBackup sales', @enabled = 0), or turn on trace flag 12381 for the seeding where the build "
        "has it (DBCC TRACEON (12381, -1)); take the first log backup after the database is no longer restoring on "
        "the managed instance");
  }
  SECTION("with trace flag 12381 on: a warning") {
    Rig rig(sales_with(R"("log_files": 1)", job + R"(, "trace_flags": [1800, 9567, 12381])"));
    auto r = rig.run(kSales);
    CHECK(r.exit_code == 0);
    auto warns = Rig::logged(r, "WARN");
    REQUIRE(warns.size() == 1);
    CHECK(warns[0] ==
          "WARN log_backup_jobs [sales]: the scheduled SQL Agent job [LogBackup sales] backs up the log of [sales]; "
          "trace flag 12381 is on, so seeding keeps the log it needs; watch the log's growth while seeding runs, and "
          "turn trace flag 12381 off when it has finished");
  }
  SECTION("a disabled job, or one for another database, is no blocker") {
    Rig rig(R"json({"sql_server": {"agent": {"jobs": [
        {"name": "LogBackup hr", "steps": [{"name": "log", "command": "BACKUP LOG [hr] TO DISK = N'hr.trn'"}],
         "schedules": [{"name": "s"}]},
        {"name": "LogBackup sales (off)", "enabled": false,
         "steps": [{"name": "log", "command": "BACKUP LOG [sales] TO DISK = N'sales.trn'"}],
         "schedules": [{"name": "s"}]}]}}})json");
    auto r = rig.run(kSales);
    CHECK(r.exit_code == 0);
    CHECK(passed(r, "PASS log_backup_jobs [sales]: no scheduled SQL Agent job backs up the log of [sales]"));
  }
}

TEST_CASE("preflight's multi_database check: sys.sp_multidb_milink and the edition decide, before any change",
          "[preflight][versions][multidb]") {
  const Object multi{{"multi_database", Value(true)}};
  SECTION("SQL Server 2022 without sys.sp_multidb_milink (before CU27): refused") {
    Rig rig(R"json({"sql_server": {"version": "16.0.4175.1", "multidb_milink": false}})json");
    require_refused_twice(rig, Rig::server_with(multi),
                          "FAIL multi_database: SQL Server 2022 (16.0.4175.1) has no sys.sp_multidb_milink, which a "
                          "multi-database link needs (SQL Server 2022 CU27+, 2025 CU9+); install SQL Server 2022 CU27 "
                          "or SQL Server 2025 CU9 or a later cumulative update, or link each database with its own "
                          "link (workflows/replicate-databases.json)");
  }
  SECTION("SQL Server 2019: refused, whatever its CU") {
    Rig rig(R"json({"sql_server": {"version": "15.0.4312.2"}})json");
    require_refused_twice(rig, Rig::server_with(multi),
                          "FAIL multi_database: SQL Server 2019 (15.0.4312.2) cannot carry a multi-database link; it "
                          "needs SQL Server 2022 CU27 or 2025 CU9 or later; upgrade to SQL Server 2022 CU27 or SQL "
                          "Server 2025 CU9, or link each database with its own link (workflows/replicate-databases.json)");
  }
  SECTION("Standard edition: refused (basic availability groups hold one database)") {
    Rig rig(R"json({"sql_server": {"version": "16.0.4175.1", "edition": "Standard Edition (64-bit)"}})json");
    auto r = rig.run(Rig::server_with(multi));
    CHECK(r.exit_code == 1);
    auto fails = Rig::logged(r, "FAIL");
    REQUIRE(fails.size() == 1);
    CHECK(fails[0] == "FAIL multi_database: Standard Edition (64-bit) cannot carry a multi-database link: its "
                      "availability groups hold one database; use Enterprise or Developer edition, or link each "
                      "database with its own link (workflows/replicate-databases.json)");
  }
  SECTION("SQL Server 2022 with the procedure, Developer edition: passes") {
    Rig rig(R"json({"sql_server": {"version": "16.0.4175.1"}})json");
    auto r = rig.run(Rig::server_with(multi));
    CHECK(r.exit_code == 0);
    CHECK(passed(r, "PASS multi_database: SQL Server 2022 (16.0.4175.1), Developer Edition (64-bit), "
                    "sys.sp_multidb_milink present"));
  }
  SECTION("without multi_database the check does not run") {
    Rig rig(R"json({"sql_server": {"version": "16.0.4175.1", "multidb_milink": false}})json");
    auto r = rig.run(Rig::server_with());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("multi_database") == std::string::npos);
  }
}
