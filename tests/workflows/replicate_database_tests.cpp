// workflows/replicate-database.json end to end: the seed for one database,
// through real ODBC (TDS) and HTTPS against the emulator, with both ARM
// api-versions; a second run changes nothing.
#include "link_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using linkrig::Rig;
using milink::sdk::Value;

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

const std::vector<std::string> kSteps{"preflight", "network", "cert", "trust", "endpoint", "ag", "dag", "link", "verify"};

void check_linked(Rig& rig, const std::string& db, const std::string& api_version) {
  auto ags = rig.availability_groups();
  CHECK(has(ags, "AG_" + db));
  CHECK(has(ags, "DAG_" + db));
  auto certs = rig.certificates();
  CHECK(has(certs, "Cert_sqlbox1_endpoint"));
  CHECK(has(certs, "mi1.abc123def456.database.windows.net"));
  CHECK(rig.instance_databases()[db] == "ONLINE");
  auto lock = rig.emulator.world().lock();
  auto* link = rig.emulator.world().azure.find_link("DAG_" + db);
  REQUIRE(link != nullptr);
  CHECK(link->created_with_api_version == api_version);
  CHECK(link->partner_availability_group_name == "AG_" + db);
  CHECK(link->instance_availability_group_name == "AG_" + db + "_MI");
  REQUIRE(link->databases.size() == 1);
  CHECK(link->databases[0].connected_state == "CONNECTED");
  CHECK(rig.emulator.world().azure.find_trust_certificate("Cert_sqlbox1_endpoint") != nullptr);
}

/// Every statement that created something, in order: a re-run or a
/// resumed run must not add to it.
std::vector<std::string> creations(Rig& rig) {
  std::vector<std::string> all;
  for (const char* p : {"CREATE MASTER KEY", "CREATE CERTIFICATE", "CREATE ENDPOINT", "ALTER ENDPOINT",
                        "CREATE AVAILABILITY GROUP", "BACKUP DATABASE", "ALTER DATABASE"})
    for (auto& s : rig.statements(p)) all.push_back(s);
  return all;
}

}  // namespace

TEST_CASE("replicate-database links seeds and verifies one database with api-version 2025-01-01", "[workflows]") {
  Rig rig;
  auto r = rig.run("replicate-database.json");
  REQUIRE(r.exit_code == 0);
  auto st = Rig::statuses(r.out);
  CHECK(st["preflight"] == "ok");
  for (const char* s : {"cert", "trust", "endpoint", "ag", "dag", "link"}) CHECK(st[s] == "changed");
  CHECK((st["verify"] == "changed" || st["verify"] == "ok"));
  check_linked(rig, "sales", "2025-01-01");
  // The seed's objects, each created once.
  CHECK(rig.statements("CREATE MASTER KEY").size() == 1);
  CHECK(rig.statements("CREATE ENDPOINT").size() == 1);
  CHECK(rig.statements("CREATE AVAILABILITY GROUP").size() == 2);
  CHECK(rig.arm_requests("PUT", "/distributedAvailabilityGroups/DAG_sales") == 1);
  CHECK(rig.arm_requests("PUT", "/serverTrustCertificates/Cert_sqlbox1_endpoint") == 1);
  // The master key password never reaches the output.
  CHECK(r.out.find(linkrig::kMasterKeyPassword) == std::string::npos);
  CHECK(r.err.find(linkrig::kMasterKeyPassword) == std::string::npos);

  SECTION("a second run is a no-op") {
    auto before = creations(rig);
    int puts = rig.arm_requests("PUT", "/");
    auto again = rig.run("replicate-database.json");
    REQUIRE(again.exit_code == 0);
    auto st2 = Rig::statuses(again.out);
    for (const auto& s : kSteps) CHECK(st2[s] == "ok");
    CHECK(creations(rig) == before);
    CHECK(rig.arm_requests("PUT", "/") == puts);
  }
}

TEST_CASE("replicate-database with the seed api-version 2021-05-01-preview", "[workflows]") {
  Rig rig;
  rig.set_input("api_version", Value("2021-05-01-preview"));
  auto r = rig.run("replicate-database.json");
  REQUIRE(r.exit_code == 0);
  check_linked(rig, "sales", "2021-05-01-preview");
  auto again = rig.run("replicate-database.json");
  REQUIRE(again.exit_code == 0);
  for (const auto& s : kSteps) CHECK(Rig::statuses(again.out)[s] == "ok");
}

TEST_CASE("replicate-database on SQL Server 2022 trusts the Azure root CAs and reads the instance certificate with T-SQL",
          "[workflows]") {
  Rig rig(linkrig::scenario_with({"sales"}, "16.0.4135.4"));
  rig.set_input("instance_certificate_source", Value("tsql"));
  rig.set_input("trust_azure_roots", Value("yes"));
  auto r = rig.run("replicate-database.json");
  REQUIRE(r.exit_code == 0);
  check_linked(rig, "sales", "2025-01-01");
  auto certs = rig.certificates();
  CHECK(has(certs, "DigiCertPKI"));
  CHECK(has(certs, "MicrosoftPKI"));
  Value d = rig.dump();
  std::string issuers = d.get("sql_server")->get("trusted_issuers")->to_json();
  CHECK(issuers.find("*.database.windows.net") != std::string::npos);
  // The instance's certificate came from sp_get_endpoint_certificate on the instance.
  bool asked = false;
  for (const auto& e : d.get("statement_log")->get("managed_instance")->as_array())
    asked |= e.get("text")->as_string().find("sp_get_endpoint_certificate") != std::string::npos;
  CHECK(asked);
  CHECK(rig.arm_requests("GET", "/endpointCertificates/") == 0);
}

TEST_CASE("SQL Server 2017 CU31 without the Azure Connect pack is refused by preflight before any change",
          "[workflows]") {
  Rig rig(linkrig::scenario_with({"sales"}, "14.0.3456.2"));
  for (int run = 0; run < 2; ++run) {  // a second run refuses the same way and changes nothing either
    auto r = rig.run("replicate-database.json");
    CHECK(r.exit_code == 1);
    CHECK(Rig::statuses(r.out)["preflight"] == "failed");
    CHECK(r.out.find("FAIL version: SQL Server 2017 CU31 (14.0.3456.2) has no Azure Connect feature pack") !=
          std::string::npos);
    CHECK(creations(rig).empty());
  }
}

TEST_CASE("SQL Server 2017 CU31 with the Azure Connect pack links, trusting Azure's root CAs", "[workflows]") {
  Rig rig(linkrig::scenario_with({"sales"}, "14.0.3490.10"));
  auto r = rig.run("replicate-database.json");
  REQUIRE(r.exit_code == 0);
  // trust_azure_roots auto: the procedure exists, so the roots are trusted (the version number is not asked).
  std::string issuers = rig.dump().get("sql_server")->get("trusted_issuers")->to_json();
  CHECK(issuers.find("*.database.windows.net") != std::string::npos);
  CHECK(rig.statements("CREATE AVAILABILITY GROUP [AG_sales]").size() == 1);
  CHECK(rig.statements("CREATE AVAILABILITY GROUP [AG_sales]")[0].find("CLUSTER_TYPE = NONE") != std::string::npos);
}

TEST_CASE("prepare_database switches a SIMPLE database to FULL and backs it up before linking it", "[workflows]") {
  Rig rig;  // the default scenario's hr is SIMPLE without a backup
  rig.set_input("database", Value("hr"));
  SECTION("without it, preflight stops before any change and says what to do") {
    auto r = rig.run("replicate-database.json");
    CHECK(r.exit_code == 1);
    CHECK(Rig::statuses(r.out)["preflight"] == "failed");
    CHECK(r.out.find("recovery_model [hr]") != std::string::npos);
    CHECK(rig.statements("CREATE").empty());
    CHECK(rig.arm_requests("PUT", "/") == 0);
  }
  SECTION("with it") {
    rig.set_input("prepare_database", Value(true));
    auto r = rig.run("replicate-database.json");
    REQUIRE(r.exit_code == 0);
    CHECK(rig.statements("ALTER DATABASE [hr] SET RECOVERY FULL").size() == 1);
    CHECK(rig.statements("BACKUP DATABASE [hr]").size() == 1);
    check_linked(rig, "hr", "2025-01-01");
  }
}

TEST_CASE("prepare_database keeps the user's differential chain: a differential backup starts the log chain",
          "[workflows]") {
  // sales is SIMPLE with a full backup: the base of the user's differential
  // backups. Switching to FULL breaks the log chain; a differential backup
  // restarts it without moving that base (a new full backup would).
  Rig rig(R"({"sql_server": {"databases": [
      {"name": "sales", "recovery": "SIMPLE", "size_mb": 8, "backups": ["full"]}]}})");
  rig.set_input("prepare_database", Value(true));
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(rig.statements("ALTER DATABASE [sales] SET RECOVERY FULL").size() == 1);
  auto backups = rig.statements("BACKUP DATABASE [sales]");
  REQUIRE(backups.size() == 1);
  INFO(backups[0]);
  CHECK(backups[0].find("TO DISK = N'sales_milink_diff.bak' WITH DIFFERENTIAL, CHECKSUM") != std::string::npos);
  CHECK(r.out.find("took a differential backup of [sales]") != std::string::npos);
  CHECK(r.out.find("so your differential backups go on as before") != std::string::npos);
  // msdb: still one full backup, and the differential builds on it.
  const Value* full = nullptr;
  const Value* diff = nullptr;
  int fulls = 0;
  const Value d = rig.dump();
  for (const auto& b : d.get("sql_server")->get("backups")->as_array()) {
    if (b.get("database_name")->as_string() != "sales") continue;
    if (b.get("type")->as_string() == "D") {
      ++fulls;
      full = &b;
    }
    if (b.get("type")->as_string() == "I") diff = &b;
  }
  CHECK(fulls == 1);
  REQUIRE(full != nullptr);
  REQUIRE(diff != nullptr);
  CHECK(diff->get("database_backup_lsn")->as_int() == full->get("checkpoint_lsn")->as_int());
  check_linked(rig, "sales", "2025-01-01");
}

TEST_CASE("verify diagnoses a link the managed instance cannot trust with the remedy", "[workflows]") {
  Rig rig;
  // The workflow without its trust step: the link is created, never connects.
  Value wf = milink::sdk::parse_json(testsupport::read_file(std::string(MILINK_WORKFLOWS_DIR) + "/replicate-database.json"));
  auto& steps = wf.mutable_object().find("steps")->mutable_array();
  steps.erase(std::remove_if(steps.begin(), steps.end(), [](const Value& s) { return s.get("id")->as_string() == "trust"; }),
              steps.end());
  testsupport::write_file(rig.dir / "no-trust.json", wf.to_pretty_json());
  rig.set_input("verify_timeout_seconds", Value(3));
  auto r = rig.run((rig.dir / "no-trust.json").string());
  CHECK(r.exit_code == 1);
  auto st = Rig::statuses(r.out);
  CHECK(st["link"] == "changed");
  CHECK(st["verify"] == "failed");
  CHECK(r.out.find("made no progress for 3 s") != std::string::npos);
  CHECK(r.out.find("41973") != std::string::npos);
  CHECK(r.out.find("the managed instance does not trust SQL Server's endpoint certificate") != std::string::npos);
  CHECK(r.out.find("run the mi-cert-import step") != std::string::npos);
}

TEST_CASE("SQL Server 2016 SP3 with the Azure Connect pack on a failover cluster links without CLUSTER_TYPE",
          "[workflows]") {
  Value scenario = milink::sdk::parse_json(linkrig::scenario_with({"sales"}, "13.0.7000.253"));
  scenario.mutable_object().find("sql_server")->mutable_object().set("wsfc_node", Value(true));
  Rig rig(scenario.to_json());
  auto r = rig.run("replicate-database.json");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("PASS wsfc: a node of the Windows Server failover cluster") != std::string::npos);
  // The docs' statement for 2016: no WITH (CLUSTER_TYPE = NONE), which 2016 would refuse.
  auto ag = rig.statements("CREATE AVAILABILITY GROUP [AG_sales]");
  REQUIRE(ag.size() == 1);
  CHECK(ag[0].find("CLUSTER_TYPE") == std::string::npos);
  // A second run is a no-op.
  const auto before = creations(rig);
  auto again = rig.run("replicate-database.json");
  CHECK(again.exit_code == 0);
  CHECK(creations(rig) == before);
}
