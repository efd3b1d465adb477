// One missing condition at a time: the DAG's remote replica stays
// DISCONNECTED with that cause's last_connect_error_*, the ARM link shows
// LinkInitError / LinkCreationError with mostRecentLinkError, and the PUT's
// operation fails after the connect timeout (20 s in the test profile).
#include "link_fixture.hpp"

using namespace linktest;

namespace {

const std::string k41973 =
    "The link cannot be established because the endpoint certificate from SQL Server has not been imported to Azure "
    "SQL Managed Instance. Please import the endpoint certificate from SQL Server to Managed Instance, and retry the "
    "link creation again. Please see online documentation for Managed Instance link for more information.";
const std::string k41974 =
    "The link cannot be established because the endpoint certificate from SQL Azure SQL Managed Instance has not been "
    "imported to SQL Server. Please download the endpoint certificate from Managed Instance and import it to SQL "
    "Server, and retry the link creation again. Please see online documentation for Managed Instance link for more "
    "information.";
const std::string k41976 =
    "Connection with availability group 'AG_sales' on the server with endpoint 'TCP://10.0.0.4:5022' cannot be "
    "established as it is not responding. Possible causes could be nonexistence of availability group or distributed "
    "availability group on the partner server, incorrectly specified names or configuration parameters. Please check "
    "the log file on the partner server for the exact error cause.";
const std::string k41977 =
    "Connection with availability group 'AG_sales' on the server with endpoint 'TCP://10.0.0.4:5022' is established, "
    "but there is no response from the target database. Possible causes could be errors with creating a database on "
    "the partner server, incorrectly specified names or configuration parameters. Please check the log file on the "
    "partner server for the exact error cause.";
const std::string k41986 =
    "Azure SQL Managed Instance link creation failed because either connection to SQL Server failed, or the server did "
    "not respond after a prolonged period of time. Verify the network connectivity and firewall rules between SQL "
    "Server and Managed Instance are properly configured and retry again.";

/// After the connect delay, before the timeout: the DMV and ARM errors; after
/// the timeout: the operation failed with the same error.
void expect_error(Fixture& fx, int dmv_number, const std::string& dmv_text, int arm_number, const std::string& arm_text,
                  const std::string& replica_state, bool dmv = true) {
  fx.advance(seconds(10));
  if (dmv) {
    ResultSet rs = fx.remote_replica_state();
    CHECK(cell(rs, 0, "Connected state").as_string() == "DISCONNECTED");
    CHECK(cell(rs, 0, "Last connection error No").as_int64() == dmv_number);
    CHECK(cell(rs, 0, "Last connection error").as_string() == dmv_text);
    CHECK_FALSE(cell(rs, 0, "Last error timestamp").is_null());
  }
  const LinkDatabase& d = fx.link().databases.at(0);
  CHECK(d.replica_state == replica_state);
  CHECK(d.connected_state == "DISCONNECTED");
  CHECK(d.synchronization_health == "NOT_HEALTHY");
  CHECK(d.most_recent_link_error == std::to_string(arm_number) + ": " + arm_text);
  CHECK_FALSE(fx.outcome());
  CHECK(fx.link().provisioning_state == "Creating");
  CHECK(only_set(fx.ok_mi("SELECT name FROM sys.databases WHERE name = N'sales'")).rows.empty());

  fx.advance(seconds(25));
  auto o = fx.outcome();
  REQUIRE(o);
  CHECK_FALSE(o->ok);
  CHECK(o->code == replica_state);
  CHECK(o->message == std::to_string(arm_number) + ": " + arm_text);
  CHECK(fx.link().provisioning_state == "Failed");
  if (dmv) CHECK(cell(fx.remote_replica_state(), 0, "Connected state").as_string() == "DISCONNECTED");
}

}  // namespace

TEST_CASE("link: one missing condition at a time, each with its own error", "[link]") {
  SECTION("no database mirroring endpoint on SQL Server: 28080 on the DMV, 41986 on ARM") {
    Fixture fx;
    SqlSide side;
    side.endpoint = false;
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 28080, "Connection handshake failed. The Database Mirroring endpoint is not configured. State 1.",
                 41986, k41986, "LinkInitError");
  }

  SECTION("the endpoint is stopped: 9666") {
    Fixture fx;
    SqlSide side;
    side.endpoint_state = "STOPPED";
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 9666, "The Database Mirroring endpoint is in disabled or stopped state.", 41986, k41986,
                 "LinkInitError");
  }

  SECTION("the endpoint uses Windows authentication only: no compatible authentication protocol") {
    Fixture fx;
    SqlSide side;
    side.endpoint_authentication = "WINDOWS NEGOTIATE";
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 28027, "Connection handshake failed. There is no compatible authentication protocol. State 21.",
                 41986, k41986, "LinkInitError");
  }

  SECTION("the endpoint encrypts with RC4 only: no compatible encryption algorithm") {
    Fixture fx;
    SqlSide side;
    side.endpoint_encryption = "REQUIRED ALGORITHM RC4";
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 28027, "Connection handshake failed. There is no compatible encryption algorithm. State 22.",
                 41986, k41986, "LinkInitError");
  }

  SECTION("the endpoint does not encrypt: no compatible encryption algorithm") {
    Fixture fx;
    SqlSide side;
    side.endpoint_encryption = "DISABLED";
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 28027, "Connection handshake failed. There is no compatible encryption algorithm. State 22.",
                 41986, k41986, "LinkInitError");
  }

  SECTION("the ARM partner endpoint names another port: 35201 on the DMV, 41986 on ARM") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.create_link("DAG_sales", "AG_sales", "mi1", "sales", "TCP://10.0.0.4:5023");
    std::string id;
    {
      ResultSet rs = only_set(
          fx.ok("SELECT r.replica_id FROM sys.availability_replicas r JOIN sys.availability_groups ag ON ag.group_id = "
                "r.group_id WHERE ag.name = 'DAG_sales' AND r.replica_server_name = 'mi1'"));
      id = rs.rows.at(0).at(0).to_display();
    }
    expect_error(
        fx, 35201,
        "A connection timeout has occurred while attempting to establish a connection to availability replica "
        "'mi1' with id [" +
            id +
            "]. Either a networking or firewall issue exists, or the endpoint address provided for the replica "
            "is not the database mirroring endpoint of the host server instance.",
        41986, k41986, "LinkInitError");
  }

  SECTION("the managed instance does not trust the SQL Server certificate: 41973") {
    Fixture fx;
    fx.build_sql_side();
    fx.create_link();
    expect_error(fx, 41973, k41973, 41973, k41973, "LinkInitError");
  }

  SECTION("a trust certificate with other bytes than the endpoint's does not count: 41973") {
    Fixture fx;
    fx.build_sql_side();
    {
      auto lock = fx.world.lock();
      ServerTrustCertificate c;
      c.name = "Cert_sqlbox1_endpoint";
      c.der = fx.world.root_ca.info.der;  // some other certificate under the right name
      fx.world.azure.server_trust_certificates.push_back(c);
    }
    fx.create_link();
    expect_error(fx, 41973, k41973, 41973, k41973, "LinkInitError");
  }

  SECTION("SQL Server lacks the managed instance's certificate: 41974") {
    Fixture fx;
    SqlSide side;
    side.import_mi_certificate = false;
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 41974, k41974, 41974, k41974, "LinkInitError");
  }

  SECTION("no availability group (nor DAG) on SQL Server: 41976 on ARM only") {
    Fixture fx;
    SqlSide side;
    side.ag = false;
    side.dag = false;
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 0, "", 41976, k41976, "LinkInitError", /*dmv=*/false);
  }

  SECTION("no DAG named like the ARM link: 41976") {
    Fixture fx;
    SqlSide side;
    side.dag_name = "DAG_other";
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 0, "", 41976, k41976, "LinkInitError", /*dmv=*/false);
    CHECK(cell(fx.remote_replica_state("DAG_other"), 0, "Last connection error No").is_null());
  }

  SECTION("the DAG's local side is not the AG the link names: 41976") {
    Fixture fx;
    SqlSide side;
    fx.build_sql_side(side);
    fx.ok(
        "CREATE AVAILABILITY GROUP [AG_hr] WITH (CLUSTER_TYPE = NONE) FOR REPLICA ON 'sqlbox1' WITH (ENDPOINT_URL = "
        "'TCP://10.0.0.4:5022', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = "
        "AUTOMATIC)");
    fx.trust_sql_certificate();
    // The link names AG_hr, but DAG_sales is built on AG_sales.
    fx.create_link("DAG_sales", "AG_hr");
    const std::string text =
        "Connection with availability group 'AG_hr' on the server with endpoint 'TCP://10.0.0.4:5022' cannot be "
        "established as it is not responding. Possible causes could be nonexistence of availability group or "
        "distributed availability group on the partner server, incorrectly specified names or configuration "
        "parameters. Please check the log file on the partner server for the exact error cause.";
    expect_error(fx, 41976, text, 41976, text, "LinkInitError");
  }

  SECTION("the DAG's remote side is not the instance availability group name: 41976") {
    Fixture fx;
    SqlSide side;
    side.dag_remote_name = "mi2";
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 41976, k41976, 41976, k41976, "LinkInitError");
  }

  SECTION("the DAG's LISTENER_URL for the managed instance points elsewhere: 41976") {
    Fixture fx;
    SqlSide side;
    side.dag_remote_host = "mi9.abc123def456.database.windows.net";
    fx.build_sql_side(side);
    fx.trust_sql_certificate();
    fx.create_link();
    expect_error(fx, 41976, k41976, 41976, k41976, "LinkInitError");
  }

  SECTION("names compare the way the collations compare") {
    SECTION("both case-insensitive: a DAG named in other case matches") {
      Fixture fx;
      SqlSide side;
      side.dag_name = "dag_SALES";
      side.dag_remote_name = "MI1";
      fx.build_sql_side(side);
      fx.trust_sql_certificate();
      fx.create_link();
      fx.advance(seconds(10));
      CHECK(fx.link().databases[0].connected_state == "CONNECTED");
      CHECK(cell(fx.remote_replica_state("dag_SALES"), 0, "Connected state").as_string() == "CONNECTED");
    }
    SECTION("a case-sensitive managed instance: the same names do not match (41976)") {
      Fixture fx;
      {
        auto lock = fx.world.lock();
        fx.world.managed_instance.collation = "SQL_Latin1_General_CP1_CS_AS";
      }
      SqlSide side;
      side.dag_remote_name = "MI1";
      fx.build_sql_side(side);
      fx.trust_sql_certificate();
      fx.create_link();
      fx.advance(seconds(10));
      CHECK(fx.link().databases[0].connected_state == "DISCONNECTED");
      CHECK(fx.link().databases[0].most_recent_link_error == "41976: " + k41976);
      CHECK(cell(fx.remote_replica_state(), 0, "Last connection error No").as_int64() == 41976);
    }
  }

  SECTION("the link's database is not in the availability group: 41977 LinkCreationError") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    fx.create_link("DAG_sales", "AG_sales", "mi1", "hr");
    expect_error(fx, 41977, k41977, 41977, k41977, "LinkCreationError");
  }

  SECTION("a database of that name already on the managed instance: 41977") {
    Fixture fx;
    fx.build_sql_side();
    fx.trust_sql_certificate();
    {
      auto lock = fx.world.lock();
      fx.world.managed_instance.add_database("sales", RecoveryModel::Full);
    }
    fx.create_link();
    fx.advance(seconds(10));
    CHECK(cell(fx.remote_replica_state(), 0, "Last connection error No").as_int64() == 41977);
    CHECK(fx.link().databases[0].replica_state == "LinkCreationError");
    CHECK(fx.link().databases[0].most_recent_link_error == "41977: " + k41977);
  }

  SECTION("the managed instance's certificate trusted through its issuer (sp_certificate_add_issuer) is enough") {
    Fixture fx;
    SqlSide side;
    side.import_mi_certificate = false;
    fx.build_sql_side(side);
    {
      auto lock = fx.world.lock();
      fx.world.sql_server.version = "15.0.4312.2";  // 2019 CU20: has sp_certificate_add_issuer
    }
    fx.ok("CREATE CERTIFICATE [EmulatorRootCA] FROM BINARY = " +
          milink::sdk::to_hex_literal(fx.world.root_ca.info.der));
    fx.ok(
        "DECLARE @CERTID int = CERT_ID(N'EmulatorRootCA'); EXEC sp_certificate_add_issuer @CERTID, "
        "N'*.database.windows.net'");
    fx.trust_sql_certificate();
    fx.create_link();
    fx.advance(seconds(10));
    CHECK(fx.link().databases[0].connected_state == "CONNECTED");
    CHECK(cell(fx.remote_replica_state(), 0, "Last connection error No").is_null());
  }
}
