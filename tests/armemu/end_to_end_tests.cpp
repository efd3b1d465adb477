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

#include <sstream>

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

TEST_CASE("end to end: SQL Server prepared by T-SQL, certificates and the link through ARM, the real simulator connects and seeds", "[armemu][arm][dag][simulator]") {
  Env e;  // its own world: SQL Server gets changed
  Sql sql(e.world, Personality::SqlServer);
  Sql mi(e.world, Personality::ManagedInstance);
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
