// Scenario JSON: defaults, overrides, and errors that name the key.
#include "engine_fixture.hpp"
#include "state/time_util.hpp"

using namespace enginetest;

namespace {

/// Each scenario text is refused with an error containing its message.
template <std::size_t N>
void check_refused(const std::pair<const char*, const char*> (&bad)[N]) {
  for (const auto& [text, message] : bad) {
    INFO(text);
    try {
      parse_scenario(text, "s.json");
      FAIL("no error");
    } catch (const ScenarioError& e) {
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
  }
}

}  // namespace

TEST_CASE("the default scenario: a SQL Server ready for the link and a managed instance", "[scenario]") {
  EmulatorWorld w;
  const ServerState& s = w.sql_server;
  CHECK(s.personality == Personality::SqlServer);
  CHECK(s.name == "sqlbox1");
  CHECK(s.version == "15.0.4312.2");
  CHECK(s.update_level == "CU20");
  CHECK(s.edition == "Developer Edition (64-bit)");
  CHECK(s.os == HostOs::Windows);
  CHECK(s.hadr_enabled);
  CHECK(s.trace_flags == std::set<int>{1800, 9567});
  CHECK(s.collation == "SQL_Latin1_General_CP1_CI_AS");
  REQUIRE(s.find_login("sa"));
  CHECK(s.find_login("sa")->password == kDefaultSaPassword);
  const Database* sales = s.find_database("sales");
  REQUIRE(sales);
  CHECK(sales->recovery == RecoveryModel::Full);
  CHECK(sales->log_chain_started);
  CHECK(s.backups.size() == 1);
  const Database* hr = s.find_database("hr");
  REQUIRE(hr);
  CHECK(hr->recovery == RecoveryModel::Simple);
  CHECK_FALSE(hr->log_chain_started);
  CHECK(s.databases.size() == 6);
  CHECK_FALSE(s.master().master_key);
  const ServerState& mi = w.managed_instance;
  CHECK(mi.personality == Personality::ManagedInstance);
  CHECK(mi.name == "mi1");
  CHECK(mi.fqdn == "mi1.abc123def456.database.windows.net");
  CHECK(mi.encryption == "required");
  CHECK(mi.collation == s.collation);
  REQUIRE(mi.endpoint_certificate);
  CHECK(mi.endpoint_certificate->x509.subject_cn == mi.fqdn);
  CHECK(mi.databases.size() == 4);
}

TEST_CASE("a scenario overrides what it names and keeps the defaults for the rest", "[scenario]") {
  Scenario sc = parse_scenario(R"({
    "sql_server": {
      "name": "box\\inst1", "version": "16.0.4003.1", "os": "linux", "hadr_enabled": false, "trace_flags": [],
      "collation": "latin1_general_cs_as",
      "logins": [{"name": "deployer", "password": "D3ployer!", "sysadmin": true}],
      "databases": [{"name": "inventory", "recovery": "simple", "size_mb": 10, "backups": ["full", {"type": "log", "copy_only": true}]}],
      "master_key": true,
      "init_sql": ["SELECT 1"]
    },
    "managed_instance": {"name": "mi9", "encryption": "on"}
  })",
                               "test.json");
  EmulatorWorld w(sc);
  const ServerState& s = w.sql_server;
  CHECK(s.name == "box\\inst1");
  CHECK(s.machine_name == "box");
  CHECK(s.update_level == "CU1");
  CHECK(s.os == HostOs::Linux);
  CHECK_FALSE(s.hadr_enabled);
  CHECK(s.trace_flags.empty());
  CHECK(s.collation == "Latin1_General_CS_AS");
  CHECK_FALSE(s.case_insensitive());
  CHECK(s.find_login("sa"));  // sa always exists
  CHECK(s.find_login("deployer"));
  CHECK(s.find_database("inventory")->recovery == RecoveryModel::Simple);
  CHECK(s.find_database("sales") == nullptr);
  CHECK(s.backups.size() == 2);
  CHECK(s.master().master_key.has_value());
  CHECK(w.managed_instance.fqdn == "mi9.abc123def456.database.windows.net");
  CHECK(w.managed_instance.encryption == "on");
  Fixture fx(sc);
  CHECK(scalar(fx.ok("SELECT SERVERPROPERTY('InstanceName')")).as_string() == "inst1");
  CHECK(scalar(fx.ok("SELECT @@SERVICENAME")).as_string() == "inst1");
}

TEST_CASE("unknown scenario keys are errors that name the key, where it is, and the closest one", "[scenario]") {
  auto message = [](const std::string& text) {
    try {
      parse_scenario(text, "s.json");
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("{\"sql_server\": {\"trace_flag\": [1800]}}") ==
        "s.json:1:17: /sql_server/trace_flag: unknown key \"trace_flag\"; did you mean \"trace_flags\"?");
  CHECK(message("{\n  \"managed_instance\": {\n    \"fdqn\": \"x.y.z\"\n  }\n}") ==
        "s.json:3:5: /managed_instance/fdqn: unknown key \"fdqn\"; did you mean \"fqdn\"?");
  CHECK(message("{\"sql_server\": {\"fqdn\": \"x.y\"}}").find("unknown key \"fqdn\"") != std::string::npos);
  CHECK(message("{\"sqlserver\": {}}").find("did you mean \"sql_server\"?") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"zzzzzzzz\": 1}}").find("expected one of: name, machine_name") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"os\": \"macos\"}}").find("/sql_server/os: \"macos\" is not one of: windows, linux") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"hadr_enabled\": \"yes\"}}").find("expected true or false, found string") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"version\": \"15\"}}").find("expected major.minor.build.revision") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"collation\": \"Klingon_CI_AS\"}}").find("unknown collation") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"databases\": [{\"name\": \"a\"}, {\"name\": \"A\"}]}}").find("appears twice") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"databases\": [{\"name\": \"msdb\"}]}}").find("is a system database") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"databases\": [{\"recovery\": \"FULL\"}]}}").find("missing \"name\"") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"databases\": [{\"name\": \"a\", \"backups\": [\"weekly\"]}]}}").find("/sql_server/databases/0/backups/0") != std::string::npos);
  CHECK(message("{\"sql_server\": {\"logins\": [{\"name\": \"x\", \"default_database\": \"nosuch\"}]}}").find("default_database") != std::string::npos);
  CHECK(message("{\"sql_server\": ").find("s.json:1:") == 0);
  CHECK(message("[]").find("expected an object") != std::string::npos);
}

TEST_CASE("the instance's endpoint certificates live endpoint_certificate_valid_days days", "[scenario]") {
  // The expiry's calendar date, N days after now.
  auto expires_in = [](const std::string& text, int days) {
    EmulatorWorld w(parse_scenario(text, "s.json"));
    REQUIRE(w.managed_instance.endpoint_certificate);
    const auto& x = w.managed_instance.endpoint_certificate->x509;
    CHECK(x.not_before < x.not_after);
    SqlDateTime want = add_days(now_utc(), days);
    return x.not_after.year == want.year && x.not_after.month == want.month && x.not_after.day == want.day;
  };
  CHECK(expires_in("{}", 365));
  CHECK(expires_in("{\"managed_instance\": {\"endpoint_certificate_valid_days\": 5}}", 5));
  CHECK(expires_in("{\"managed_instance\": {\"endpoint_certificate_valid_days\": -2}}", -2));
  try {
    parse_scenario("{\"managed_instance\": {\"endpoint_certificate_valid_days\": 99999}}", "s.json");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains("/managed_instance/endpoint_certificate_valid_days"));
  }
  try {
    parse_scenario("{\"sql_server\": {\"endpoint_certificate_valid_days\": 5}}", "s.json");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains("unknown key \"endpoint_certificate_valid_days\""));
  }
}

TEST_CASE("scenario: the managed instance's update policy (database_format)", "[scenario]") {
  CHECK(EmulatorWorld(parse_scenario("{}", "s.json")).managed_instance.database_format == "SQLServer2022");
  for (const char* policy : {"AlwaysUpToDate", "SQLServer2025", "SQLServer2022"}) {
    EmulatorWorld w(parse_scenario(std::string("{\"managed_instance\": {\"database_format\": \"") + policy + "\"}}", "s.json"));
    CHECK(w.managed_instance.database_format == policy);
  }
  try {
    parse_scenario("{\"managed_instance\": {\"database_format\": \"SQLServer2019\"}}", "s.json");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains("/managed_instance/database_format: \"SQLServer2019\" is not one of: "
                                         "SQLServer2022, SQLServer2025, AlwaysUpToDate"));
  }
  try {
    parse_scenario("{\"sql_server\": {\"database_format\": \"AlwaysUpToDate\"}}", "s.json");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains("unknown key \"database_format\""));
  }
}

TEST_CASE("scenario: the database features the link cannot carry show in the catalog", "[scenario]") {
  Fixture fx(parse_scenario(R"({"sql_server": {"databases": [
      {"name": "sales", "log_files": 2, "filestream": true, "memory_optimized": true,
       "tde": {"certificate": "TDE_sales", "on_managed_instance": true}},
      {"name": "hr", "tde": {"certificate": "TDE_hr"}}]}})",
                            "s.json"));
  CHECK(row_count(fx.ok("SELECT file_id FROM sales.sys.database_files WHERE type = 1")) == 2);
  // FILESTREAM and memory-optimized containers are both type 2; their filegroups tell them apart.
  CHECK(row_count(fx.ok("SELECT file_id FROM sales.sys.database_files WHERE type = 2")) == 2);
  CHECK(row_count(fx.ok("SELECT name FROM sales.sys.filegroups WHERE type IN ('FD', 'FX')")) == 2);
  CHECK(row_count(fx.ok("SELECT name FROM hr.sys.filegroups WHERE type IN ('FD', 'FX')")) == 0);
  CHECK(row_count(fx.ok("SELECT file_id FROM hr.sys.database_files")) == 2);
  // Both databases and tempdb are encrypted; the certificates are in master, sales's also on the instance.
  CHECK(row_count(fx.ok("SELECT database_id FROM sys.dm_database_encryption_keys")) == 3);
  CHECK(row_count(fx.ok("SELECT k.database_id FROM sys.dm_database_encryption_keys AS k JOIN master.sys.certificates "
                        "AS c ON c.thumbprint = k.encryptor_thumbprint WHERE k.database_id = DB_ID(N'sales')")) == 1);
  CHECK(row_count(fx.ok_mi("SELECT name FROM master.sys.certificates WHERE name = N'TDE_sales'")) == 1);
  CHECK(row_count(fx.ok_mi("SELECT name FROM master.sys.certificates WHERE name = N'TDE_hr'")) == 0);

  try {
    parse_scenario(R"({"sql_server": {"databases": [{"name": "x", "tde": {"on_managed_instance": true}}]}})", "s.json");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()).find("/sql_server/databases/0/tde: missing \"certificate\"") != std::string::npos);
  }
}

TEST_CASE("scenario arm.page_size and clock.offset_days: read, bounded, and refused by name", "[scenario]") {
  Scenario s = parse_scenario(R"({"arm": {"page_size": 3}, "clock": {"offset_days": 360}})", "s.json");
  CHECK(s.arm_page_size == 3);
  CHECK(s.clock_offset_seconds == 360LL * 86400);
  {
    // The world takes both: its lists page, its clock runs 360 days ahead.
    EmulatorWorld w(s);
    CHECK(w.azure.list_page_size == 3);
    CHECK(clock_offset_seconds() == 360LL * 86400);
  }
  {
    EmulatorWorld w(parse_scenario("{}", "s.json"));  // a new world starts its own clock
    CHECK(clock_offset_seconds() == 0);
    CHECK(w.azure.list_page_size == 0);
  }
  const std::pair<const char*, const char*> bad[] = {
      {R"({"arm": {"page_size": 1001}})", "/arm/page_size: must be between 0 and 1000"},
      {R"({"arm": {"page_size": "3"}})", "/arm/page_size: expected an integer, found string"},
      {R"({"arm": {"pagesize": 3}})", "unknown key \"pagesize\""},
      {R"({"clock": {"offset_days": 40000}})", "/clock/offset_days: must be between -36500 and 36500"},
      {R"({"clock": {"offset": 1}})", "unknown key \"offset\""},
  };
  check_refused(bad);
}

TEST_CASE("availability_group: SQL Server is the primary of an existing AG, each secondary its own server",
          "[scenario]") {
  EmulatorWorld w(parse_scenario(R"({
    "sql_server": {"master_key": true, "databases": [{"name": "sales", "backups": ["full"]}, {"name": "hr"}]},
    "availability_group": {"name": "AG_prod", "databases": ["sales"], "replicas": ["sqlbox2", "sqlbox3"],
                           "listener": {"dns_name": "aglistener"}}})",
                                 "s.json"));
  REQUIRE(w.sql_replicas.size() == 2);
  const AvailabilityGroup* ag = w.sql_server.find_availability_group("AG_prod");
  REQUIRE(ag);
  CHECK(ag->databases == std::vector<std::string>{"sales"});
  CHECK(ag->listener_dns_name == "aglistener");
  REQUIRE(ag->replicas.size() == 3);
  CHECK(ag->local_replica()->server_name == "sqlbox1");
  CHECK(ag->local_replica()->runtime.role == 1);
  CHECK(w.sql_server.find_database("sales")->availability_group == "AG_prod");
  CHECK(w.sql_server.find_database("hr")->availability_group.empty());
  for (const char* name : {"sqlbox2", "sqlbox3"}) {
    ServerState* r = w.sql_replica(name);
    REQUIRE(r);
    CHECK(r->name == name);
    const AvailabilityGroup* rag = r->find_availability_group("AG_prod");
    REQUIRE(rag);
    CHECK(rag->group_id == ag->group_id);
    CHECK(rag->local_replica()->server_name == name);
    CHECK(rag->local_replica()->runtime.role == 2);
    REQUIRE(r->find_database("sales"));
    CHECK(r->find_database("sales")->availability_group == "AG_prod");
    CHECK(r->find_database("hr") == nullptr);
    REQUIRE(r->master().master_key);
    CHECK(r->master().master_key->key_guid != w.sql_server.master().master_key->key_guid);
    REQUIRE(r->mirroring_endpoint());
    CHECK(r->mirroring_endpoint()->state == EndpointState::Started);
    CHECK(r->mirroring_endpoint()->certificate_name.empty());
  }
  CHECK(w.sql_replica("SQLBOX2") == w.sql_replica("sqlbox2"));
  CHECK(w.sql_replica("sqlbox4") == nullptr);
  // Automatic seeding by default: the secondaries seed AUTOMATIC and have the grant it needs.
  for (const auto& r : ag->replicas) CHECK(r.seeding_mode == SeedingMode::Automatic);
  CHECK(w.sql_replica("sqlbox2")->find_availability_group("AG_prod")->create_any_database);

  EmulatorWorld manual(parse_scenario(R"({"sql_server": {"databases": [{"name": "sales", "backups": ["full"]}]},
    "availability_group": {"name": "AG_prod", "databases": ["sales"], "replicas": ["sqlbox2"],
                           "seeding_mode": "manual"}})",
                                      "s.json"));
  AvailabilityGroup* mag = manual.sql_server.find_availability_group("AG_prod");
  REQUIRE(mag);
  CHECK(mag->local_replica()->seeding_mode == SeedingMode::Automatic);
  CHECK(mag->find_replica("sqlbox2", true)->seeding_mode == SeedingMode::Manual);
  CHECK_FALSE(manual.sql_replica("sqlbox2")->find_availability_group("AG_prod")->create_any_database);
  CHECK(EmulatorWorld().sql_replicas.empty());

  const std::pair<const char*, const char*> bad[] = {
      {R"({"availability_group": {"replicas": ["b"]}})", "/availability_group: missing \"name\""},
      {R"({"availability_group": {"name": "ag"}})", "/availability_group: missing \"replicas\""},
      {R"({"availability_group": {"name": "ag", "replicas": []}})",
       "/availability_group/replicas: an availability group has 1 to 8 secondary replicas"},
      {R"({"availability_group": {"name": "ag", "replicas": ["sqlbox1"]}})",
       "/availability_group/replicas/0: \"sqlbox1\" is the primary replica (/sql_server/name)"},
      {R"({"availability_group": {"name": "ag", "replicas": ["b", "B"]}})",
       "/availability_group/replicas/1: replica \"B\" is listed twice"},
      {R"({"availability_group": {"name": "ag", "replicas": ["b"], "databases": ["nosuch"]}})",
       "/availability_group/databases/0: database \"nosuch\" is not in /sql_server/databases"},
      {R"({"availability_group": {"name": "ag", "replicas": ["b"], "databases": ["hr"]}})",
       "/availability_group/databases/0: database \"hr\" must use the FULL recovery model"},
      {R"({"availability_group": {"name": "ag", "replicas": ["b"], "listener": {}}})",
       "/availability_group/listener: missing \"dns_name\""},
      {R"({"availability_group": {"name": "ag", "replica": ["b"]}})", "did you mean \"replicas\"?"},
      {R"({"availability_group": {"name": "ag", "replicas": ["b"], "seeding_mode": "fast"}})",
       "/availability_group/seeding_mode: \"fast\" is not a seeding mode; write automatic or manual"},
  };
  check_refused(bad);
}
