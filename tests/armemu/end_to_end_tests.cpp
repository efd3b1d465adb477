// The whole link through ARM with the real link simulator: SQL Server prepared
// with the documented T-SQL (in-process SqlEngine), the managed instance's
// certificate fetched through endpointCertificates, SQL Server's certificate
// trusted through serverTrustCertificates, the link created through
// distributedAvailabilityGroups, its operation polled to Succeeded, and its
// runtime read back in both api shapes.
#include "armemu_support.hpp"

#include "engine/engine.hpp"
#include "sql/sql_engine.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <sstream>
#include <thread>

using namespace armemu;
using namespace milink::emulator;

namespace {

struct Sql {
  Sql(EmulatorWorld& world, Personality p) : engine(world, p) {
    session.spid = p == Personality::SqlServer ? 51 : 61;
    session.login = "sa";
    session.database = "master";
  }
  Response run(const std::string& batch) {
    Response r = engine.execute(session, batch, {});
    INFO("batch: " << batch);
    REQUIRE_FALSE(r.has_error());
    return r;
  }
  /// Runs a script split at GO lines.
  void script(const std::string& text) {
    std::istringstream in(text);
    std::string line, batch;
    while (std::getline(in, line)) {
      if (line.find_first_not_of(" \t") != std::string::npos && line.substr(line.find_first_not_of(" \t")) == "GO") {
        run(batch);
        batch.clear();
      } else {
        batch += line + "\n";
      }
    }
    if (batch.find_first_not_of(" \t\r\n") != std::string::npos) run(batch);
  }
  const milink::sdk::SqlValue& first_cell(const Response& r) {
    for (const auto& item : r.items)
      if (const auto* rs = std::get_if<ResultSet>(&item)) {
        REQUIRE_FALSE(rs->rows.empty());
        return rs->rows.at(0).at(0);
      }
    FAIL("no result set");
    throw 0;
  }
  SqlEngine engine;
  Session session;
};

}  // namespace

namespace {

/// SQL Server prepared by the documented T-SQL, the certificates exchanged and
/// the link DAG_sales created through ARM; returns when its PUT succeeded.
void prepare_and_link(Env& e, Sql& sql) {
  std::string fqdn;
  {
    auto lock = e.world.lock();
    fqdn = e.world.managed_instance.fqdn;
  }

  // The managed instance's endpoint certificate, from ARM, into SQL Server (publicBlob is a T-SQL binary literal).
  Reply mi_cert = e.arm("GET", e.mi_path() + "/endpointCertificates/DATABASE_MIRRORING", "2025-01-01");
  REQUIRE(mi_cert.status == 200);
  std::string blob = mi_cert.json().get("properties")->get("publicBlob")->as_string();
  sql.script("USE MASTER\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'\nGO\n"
             "CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'Certificate for Cert_sqlbox1_endpoint', "
             "EXPIRY_DATE = '03/30/2030'\nGO\n"
             "CREATE CERTIFICATE [" + fqdn + "] FROM BINARY = " + blob + "\nGO\n"
             "CREATE ENDPOINT database_mirroring_endpoint STATE=STARTED AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL) "
             "FOR DATABASE_MIRRORING (ROLE=ALL, AUTHENTICATION = CERTIFICATE [Cert_sqlbox1_endpoint], "
             "ENCRYPTION = REQUIRED ALGORITHM AES)\nGO\n"
             "CREATE AVAILABILITY GROUP [AG_sales] WITH (CLUSTER_TYPE = NONE) FOR database [sales] REPLICA ON "
             "'sqlbox1' WITH (ENDPOINT_URL = 'TCP://10.0.0.4:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, "
             "FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC);\nGO\n"
             "CREATE AVAILABILITY GROUP [DAG_sales] WITH (DISTRIBUTED) AVAILABILITY GROUP ON "
             "'AG_sales' WITH (LISTENER_URL = 'TCP://10.0.0.4:5022', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, "
             "FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC, SESSION_TIMEOUT = 20), "
             "'mi1' WITH (LISTENER_URL = 'tcp://" + fqdn + ":5022;Server=[mi1]', AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT, "
             "FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC);\nGO\n");

  // SQL Server's certificate, trusted by the managed instance through ARM.
  std::string sql_cert = milink::sdk::to_hex_literal(
      sql.first_cell(sql.run("SELECT CERTENCODED(CERT_ID(N'Cert_sqlbox1_endpoint'))")).as_bytes());
  Reply trust = e.arm("PUT", e.mi_path() + "/serverTrustCertificates/Cert_sqlbox1_endpoint", "2025-01-01",
                      R"({"properties":{"publicBlob":")" + sql_cert + R"("}})");
  INFO(trust.body);
  REQUIRE(trust.status == 202);
  REQUIRE(e.poll_async(trust.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");

  // The link.
  Reply put = e.arm("PUT", e.mi_path() + "/distributedAvailabilityGroups/DAG_sales", "2025-01-01",
                    R"({"properties":{"databases":[{"databaseName":"sales"}],"instanceAvailabilityGroupName":"mi1",)"
                    R"("partnerAvailabilityGroupName":"AG_sales","partnerEndpoint":"TCP://10.0.0.4:5022"}})");
  INFO(put.body);
  REQUIRE(put.status == 202);
  Value status = e.poll_async(put.header("Azure-AsyncOperation"), std::chrono::seconds(20));
  INFO(status.to_json());
  REQUIRE(status.get("status")->as_string() == "Succeeded");
  Reply done = e.poll_location(put.header("Location"));
  REQUIRE(done.status == 200);

}

}  // namespace

TEST_CASE("end to end: SQL Server prepared by T-SQL, certificates and the link through ARM, the real simulator connects and seeds", "[armemu][arm][dag][simulator]") {
  Env e;  // its own world: SQL Server gets changed
  Sql sql(e.world, Personality::SqlServer);
  Sql mi(e.world, Personality::ManagedInstance);
  prepare_and_link(e, sql);

  Reply get = e.arm("GET", e.mi_path() + "/distributedAvailabilityGroups/DAG_sales", "2025-01-01");
  REQUIRE(get.status == 200);
  Value db = get.json().get("properties")->get("databases")->as_array().at(0);
  INFO(get.body);
  CHECK(db.get("connectedState")->as_string() == "CONNECTED");
  CHECK_FALSE(db.get("mostRecentLinkError"));
  CHECK_FALSE(db.get("replicaState")->as_string().empty());
  Reply old = e.arm("GET", e.mi_path() + "/distributedAvailabilityGroups/DAG_sales", "2021-05-01-preview");
  REQUIRE(old.status == 200);
  CHECK(old.json().get("properties")->get("targetDatabase")->as_string() == "sales");
  CHECK_FALSE(old.json().get("properties")->get("linkState")->as_string().empty());
  {
    auto lock = e.world.lock();
    CHECK(e.world.azure.find_link("DAG_sales")->provisioning_state == "Succeeded");
  }
  // The seeded database is on the managed instance.
  CHECK(mi.first_cell(mi.run("SELECT COUNT(*) FROM sys.databases WHERE name = 'sales'")).as_int64() == 1);
}

namespace {

const std::string kDag = "/distributedAvailabilityGroups/DAG_sales";

Value link_props(Env& e) {
  Reply r = e.arm("GET", e.mi_path() + kDag, "2025-01-01");
  REQUIRE(r.status == 200);
  return *r.json().get("properties");
}

/// GETs the link until \p ok holds for its properties (at most 10 s).
Value wait_for(Env& e, const std::function<bool(const Value&)>& ok) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    Value p = link_props(e);
    if (ok(p)) return p;
    INFO(p.to_json());
    REQUIRE(std::chrono::steady_clock::now() < until);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

const Value& first_db(const Value& props) { return props.get("databases")->as_array().at(0); }

Reply workload(Env& e, const std::string& body) {
  return https(e.azure->arm_port(), "POST", "/_emulator/workload", body, {{"Content-Type", "application/json"}},
               e.ca_file);
}

void finish(Env& e, const Reply& accepted) {
  INFO(accepted.body);
  REQUIRE(accepted.status == 202);
  REQUIRE(e.poll_async(accepted.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
}

}  // namespace

TEST_CASE("end to end: a link's life through ARM -- workload, PATCH to Sync, forced failover, split brain, planned failback, DELETE", "[armemu][arm][dag][simulator][life]") {
  Env e;
  Sql sql(e.world, Personality::SqlServer);
  Sql mi(e.world, Personality::ManagedInstance);
  {
    auto lock = e.world.lock();
    e.world.sql_server.version = "16.0.4135.4";
  }
  prepare_and_link(e, sql);
  Value healthy = wait_for(e, [](const Value& p) { return first_db(p).get("synchronizationHealth")->as_string() == "HEALTHY"; });
  CHECK(healthy.get("instanceLinkRole")->as_string() == "Secondary");
  CHECK(healthy.get("partnerLinkRole")->as_string() == "Primary");
  CHECK(healthy.get("replicationMode")->as_string() == "Async");
  CHECK_FALSE(first_db(healthy).get("lastHardenedLsn")->as_string().empty());

  // The emulator's workload control: its errors, then 1 MiB/s on SQL Server's sales.
  CHECK(workload(e, R"({"database":"sales"})").error_code() == "InvalidWorkload");
  CHECK(workload(e, "not json").error_code() == "InvalidWorkload");
  Reply missing = workload(e, R"({"database":"nosuch","log_bytes_per_second":1})");
  CHECK(missing.status == 404);
  CHECK(missing.error_message() == "The sql_server has no user database 'nosuch'.");
  REQUIRE(workload(e, R"({"database":"sales","log_bytes_per_second":1048576})").status == 200);
  Value lagging = wait_for(e, [](const Value& p) {
    return first_db(p).get("instanceRedoReplicationLagSeconds")->as_int() > 0;
  });

  // Refusals while the instance is secondary.
  Reply planned = e.arm("POST", e.mi_path() + kDag + "/failover", "2025-01-01", R"({"failoverType":"Planned"})");
  CHECK(planned.status == 400);
  CHECK(planned.error_code() == "InvalidDistributedAvailabilityGroupFailoverInstanceRole");
  Reply role = e.arm("POST", e.mi_path() + kDag + "/setRole", "2025-01-01",
                     R"({"instanceRole":"Primary","roleChangeType":"Planned"})");
  CHECK(role.status == 409);
  CHECK(role.error_code() == "DistributedAvailabilityGroupSetRolePrimaryPlannedNotSupported");
  CHECK(role.error_message() == "User attempted to perform setRole operation to primary in planned fashion and that is not supported.");

  // PATCH replicationMode: the instance's side of the DAG becomes SYNCHRONOUS_COMMIT.
  finish(e, e.arm("PATCH", e.mi_path() + kDag, "2025-01-01", R"({"properties":{"replicationMode":"Sync"}})"));
  CHECK(link_props(e).get("replicationMode")->as_string() == "Sync");
  Response modes = mi.run(
      "SELECT r.availability_mode_desc FROM sys.availability_replicas r JOIN sys.availability_groups ag "
      "ON ag.group_id = r.group_id WHERE ag.name = N'DAG_sales'");
  CHECK(mi.first_cell(modes).as_string() == "SYNCHRONOUS_COMMIT");

  // Forced failover: the instance becomes primary while SQL Server, up, stays primary: split brain.
  finish(e, e.arm("POST", e.mi_path() + kDag + "/failover", "2025-01-01", R"({"failoverType":"ForcedAllowDataLoss"})"));
  Value split = link_props(e);
  CHECK(split.get("instanceLinkRole")->as_string() == "Primary");
  CHECK(split.get("partnerLinkRole")->as_string() == "Primary");
  CHECK(first_db(split).get("connectedState")->as_string() == "DISCONNECTED");
  CHECK(sql.first_cell(sql.run("SELECT rs.role_desc FROM sys.dm_hadr_availability_replica_states rs JOIN "
                               "sys.availability_groups ag ON ag.group_id = rs.group_id WHERE ag.name = N'DAG_sales' "
                               "AND rs.is_local = 1")).as_string() == "PRIMARY");
  Reply again = e.arm("POST", e.mi_path() + kDag + "/setRole", "2025-01-01",
                      R"({"instanceRole":"Primary","roleChangeType":"Forced"})");
  CHECK(again.status == 409);
  CHECK(again.error_code() == "DistributedAvailabilityGroupSetRoleInstanceAlreadyInRequestedRole");

  // SQL Server steps down; still asynchronous there, so a planned failback is refused.
  sql.run("ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY)");
  CHECK(link_props(e).get("partnerLinkRole")->as_string() == "Secondary");
  Reply behind = e.arm("POST", e.mi_path() + kDag + "/failover", "2025-01-01", R"({"failoverType":"Planned"})");
  CHECK(behind.status == 409);
  CHECK(behind.error_code() == "DistributedAvailabilityGroupFailoverSecondariesNotSynchronizing");
  CHECK(behind.error_message() == "Planned failover cannot be executed if secondaries are not synchronizing.");

  // SYNC on SQL Server's side too, caught up: the planned failover puts SQL Server back as primary.
  sql.run("ALTER AVAILABILITY GROUP [DAG_sales] MODIFY AVAILABILITY GROUP ON N'AG_sales' WITH (AVAILABILITY_MODE = "
          "SYNCHRONOUS_COMMIT), N'mi1' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT)");
  wait_for(e, [](const Value& p) {
    const Value& d = first_db(p);
    return d.get("synchronizationHealth")->as_string() == "HEALTHY" && d.get("lastSentLsn") &&
           d.get("lastSentLsn")->as_string() == d.get("lastHardenedLsn")->as_string();
  });
  Reply failback = e.arm("POST", e.mi_path() + kDag + "/failover", "2025-01-01", R"({"failoverType":"Planned"})");
  REQUIRE(failback.status == 202);
  Reply result = e.poll_location(failback.header("Location"));
  REQUIRE(result.status == 200);
  CHECK(result.json().get("properties")->get("instanceLinkRole")->as_string() == "Secondary");
  CHECK(result.json().get("properties")->get("partnerLinkRole")->as_string() == "Primary");
  CHECK(sql.first_cell(sql.run("SELECT CAST(DATABASEPROPERTYEX(N'sales', 'Updateability') AS nvarchar(20))"))
            .as_string() == "READ_WRITE");

  // DELETE: the instance's copy stays, read-write, out of any AG.
  finish(e, e.arm("DELETE", e.mi_path() + kDag, "2025-01-01"));
  CHECK(e.arm("GET", e.mi_path() + kDag, "2025-01-01").status == 404);
  CHECK(mi.first_cell(mi.run("SELECT CAST(DATABASEPROPERTYEX(N'sales', 'Updateability') AS nvarchar(20))"))
            .as_string() == "READ_WRITE");
  CHECK(mi.first_cell(mi.run("SELECT COUNT(*) FROM sys.availability_groups")).as_int64() == 0);
  // Standalone now: its first automatic full backup shows in msdb (what users wait for before relying on it).
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  const std::string backups = "SELECT COUNT(*) FROM msdb.dbo.backupset WHERE database_name = N'sales' AND type = 'D' "
                              "AND is_copy_only = 0";
  while (mi.first_cell(mi.run(backups)).as_int64() == 0) {
    REQUIRE(std::chrono::steady_clock::now() < until);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(mi.first_cell(mi.run(backups)).as_int64() == 1);
}

TEST_CASE("end to end: Azure rotates the instance's endpoint certificate (/_emulator/endpoint-certificate), the link drops until SQL Server holds the new one", "[armemu][arm][simulator][rotation]") {
  Env e;
  Sql sql(e.world, Personality::SqlServer);
  prepare_and_link(e, sql);
  wait_for(e, [](const Value& p) { return first_db(p).get("synchronizationHealth")->as_string() == "HEALTHY"; });
  auto blob = [&] {
    Reply r = e.arm("GET", e.mi_path() + "/endpointCertificates/DATABASE_MIRRORING", "2025-01-01");
    REQUIRE(r.status == 200);
    return r.json().get("properties")->get("publicBlob")->as_string();
  };
  auto rotate = [&](const std::string& body) {
    return https(e.azure->arm_port(), "POST", "/_emulator/endpoint-certificate", body,
                 {{"Content-Type", "application/json"}}, e.ca_file);
  };
  const std::string before = blob();

  // Its refusals: not JSON, valid_days out of range. Nothing rotated.
  Reply bad = rotate("not json");
  CHECK(bad.status == 400);
  CHECK(bad.error_code() == "InvalidEndpointCertificateRequest");
  Reply range = rotate(R"({"valid_days": 99999})");
  CHECK(range.status == 400);
  CHECK(range.error_message() ==
        "Expected {\"valid_days\": N} (-3650 to 36500; default the scenario's endpoint_certificate_valid_days), or no body.");
  CHECK(blob() == before);

  Reply ok = rotate(R"({"valid_days": 10})");
  INFO(ok.body);
  REQUIRE(ok.status == 200);
  CHECK(ok.json().get("endpoint_type")->as_string() == "DATABASE_MIRRORING");
  const std::string after = blob();
  CHECK(after != before);
  // SQL Server holds only the old certificate: the connected link drops (41974), and the emulator counts it.
  wait_for(e, [](const Value& p) { return first_db(p).get("connectedState")->as_string() == "DISCONNECTED"; });
  {
    auto lock = e.world.lock();
    CHECK(e.world.azure.find_link("DAG_sales")->disconnections == 1);
  }
  // Once SQL Server holds the new one, it connects again.
  sql.run("CREATE CERTIFICATE [mi1_rotated] FROM BINARY = " + after);
  wait_for(e, [](const Value& p) { return first_db(p).get("connectedState")->as_string() == "CONNECTED"; });
}
