// The seed procedure (shared/seed/...-use-scripts-to-replicate-database.md)
// against the emulator, through milink's SQL service: SQL Server with
// login-only TLS (encryption "request"), the managed instance with full TLS
// (encryption "require", as Azure requires).
#include "emulator_fixture.hpp"

#include <milink/sdk/json.hpp>

using milink::sdk::SqlValue;
using milink::sdk::tsql::quote_identifier;
using milink::sdk::tsql::quote_literal;

namespace {

std::size_t count_named(const milink::sdk::Value& list, const std::string& name) {
  std::size_t n = 0;
  for (const auto& e : list.as_array())
    if (e.get("name") && e.get("name")->as_string() == name) ++n;
  return n;
}

}  // namespace

TEST_CASE("the seed's statements run in order on SQL Server and the managed instance", "[emulator]") {
  emutest::Running env;
  auto sql = env.open("sqlserver");
  auto mi = env.open("managed_instance");

  // Trust: master key and the endpoint certificate, exactly as the seed builds it.
  emutest::run(*sql, "USE MASTER\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'");
  emutest::run(*sql,
               "DECLARE @sqlserver_certificate_name NVARCHAR(MAX) = N'Cert_' + @@servername  + N'_endpoint'\n"
               "DECLARE @sqlserver_certificate_subject NVARCHAR(MAX) = N'Certificate for ' + "
               "@sqlserver_certificate_name\n"
               "DECLARE @create_sqlserver_certificate_command NVARCHAR(MAX) = N'CREATE CERTIFICATE [' + "
               "@sqlserver_certificate_name + '] WITH SUBJECT = ''' + @sqlserver_certificate_subject + ''', "
               "EXPIRY_DATE = ''03/30/2035'''\n"
               "EXEC sp_executesql @stmt = @create_sqlserver_certificate_command");
  auto certs = emutest::run(*sql, "SELECT name, subject FROM sys.certificates WHERE name = ?",
                            {SqlValue::nvarchar("Cert_sqlbox1_endpoint")});
  REQUIRE(certs.sets.size() == 1);
  REQUIRE(certs.sets[0].rows.size() == 1);
  CHECK(certs.sets[0].at(0, "subject").as_string() == "Certificate for Cert_sqlbox1_endpoint");

  auto key = emutest::run(*sql, "SELECT CERTENCODED(CERT_ID(?)) AS PublicKeyEncoded",
                          {SqlValue::nvarchar("Cert_sqlbox1_endpoint")});
  const auto& der = key.sets.at(0).at(0, "PublicKeyEncoded").as_bytes();
  CHECK(der.size() > 500);
  CHECK(der[0] == 0x30);  // a DER SEQUENCE: a whole certificate, not a bare key

  // The managed instance's endpoint certificate, over full TLS.
  auto mi_cert = emutest::run(*mi, "EXEC sp_get_endpoint_certificate @endpoint_type = 4");
  const auto& mi_der = mi_cert.sets.at(0).at(0, "EndpointCertificatePublicKey").as_bytes();
  REQUIRE(mi_der.size() > 500);

  // Installed on SQL Server under the instance's FQDN (FROM BINARY takes no parameter).
  const std::string fqdn = "mi1.abc123def456.database.windows.net";
  emutest::run(*sql, "USE MASTER\nCREATE CERTIFICATE " + quote_identifier(fqdn) + "\nFROM BINARY = " +
                         milink::sdk::to_hex_literal(mi_der));
  auto back = emutest::run(*sql, "SELECT CERTENCODED(CERT_ID(?))", {SqlValue::nvarchar(fqdn)});
  CHECK(back.sets.at(0).rows.at(0).at(0).as_bytes() == mi_der);

  // Endpoint, AG and DAG.
  emutest::run(*sql,
               "USE MASTER\nCREATE ENDPOINT database_mirroring_endpoint\n    STATE=STARTED\n"
               "    AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL)\n    FOR DATABASE_MIRRORING (\n"
               "        ROLE=ALL,\n        AUTHENTICATION = CERTIFICATE [Cert_sqlbox1_endpoint],\n"
               "        ENCRYPTION = REQUIRED ALGORITHM AES\n    )");
  auto ep = emutest::run(*sql,
                         "SELECT name, type_desc, state_desc, role_desc, connection_auth_desc, "
                         "is_encryption_enabled, encryption_algorithm_desc FROM sys.database_mirroring_endpoints");
  REQUIRE(ep.sets.at(0).rows.size() == 1);
  CHECK(ep.sets[0].at(0, "connection_auth_desc").as_string() == "CERTIFICATE");
  CHECK(ep.sets[0].at(0, "encryption_algorithm_desc").as_string() == "AES");
  CHECK(ep.sets[0].at(0, "is_encryption_enabled").as_bool());

  emutest::run(*sql,
               "USE MASTER\nCREATE AVAILABILITY GROUP [AG_sales]\nWITH (CLUSTER_TYPE = NONE)\n"
               "    FOR database [sales]\n    REPLICA ON\n        'sqlbox1' WITH\n            (\n"
               "            ENDPOINT_URL = 'TCP://127.0.0.1:5022',\n"
               "            AVAILABILITY_MODE = SYNCHRONOUS_COMMIT,\n            FAILOVER_MODE = MANUAL,\n"
               "            SEEDING_MODE = AUTOMATIC\n            );");
  emutest::run(*sql,
               "USE MASTER\nCREATE AVAILABILITY GROUP [DAG_sales]\n  WITH (DISTRIBUTED)\n"
               "  AVAILABILITY GROUP ON\n  'AG_sales' WITH\n  (\n    LISTENER_URL = 'TCP://127.0.0.1:5022',\n"
               "    AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,\n    FAILOVER_MODE = MANUAL,\n"
               "    SEEDING_MODE = AUTOMATIC,\n    SESSION_TIMEOUT = 20\n  ),\n  'mi1' WITH\n  (\n"
               "    LISTENER_URL = 'tcp://" + fqdn + ":5022;Server=[mi1]',\n"
               "    AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,\n    FAILOVER_MODE = MANUAL,\n"
               "    SEEDING_MODE = AUTOMATIC\n  );");
  auto verify = emutest::run(*sql,
                             "SELECT\n    r.replica_server_name AS [Replica],\n    r.endpoint_url AS [Endpoint],\n"
                             "    rs.connected_state_desc AS [Connected state]\n"
                             "FROM\n    sys.dm_hadr_availability_replica_states rs\n"
                             "    JOIN sys.availability_replicas r\n    ON rs.replica_id = r.replica_id");
  REQUIRE(!verify.sets.empty());
  bool mi_replica_seen = false;
  for (std::size_t i = 0; i < verify.sets[0].rows.size(); ++i)
    if (verify.sets[0].at(i, "Replica").as_string() == "mi1") {
      mi_replica_seen = true;
      // No link exists in Azure yet: the instance's replica cannot have connected.
      CHECK(verify.sets[0].at(i, "Connected state").as_string() == "DISCONNECTED");
    }
  CHECK(mi_replica_seen);

  // Exactly what the procedure creates, each once.
  milink::sdk::Value dump = env.emulator.dump();
  const auto& server = *dump.get("sql_server");
  CHECK(count_named(*server.get("availability_groups"), "AG_sales") == 1);
  CHECK(count_named(*server.get("availability_groups"), "DAG_sales") == 1);
  CHECK(count_named(*server.get("endpoints"), "database_mirroring_endpoint") == 1);
  auto log = env.emulator.world().statement_log(milink::emulator::Personality::SqlServer);
  std::size_t creates = 0;
  for (const auto& entry : log)
    if (entry.text.find("CREATE AVAILABILITY GROUP [AG_sales]") != std::string::npos) ++creates;
  CHECK(creates == 1);
}

TEST_CASE("server errors reach milink with SQL Server's number and message", "[emulator]") {
  emutest::Running env;
  auto sql = env.open("sqlserver");
  auto e = emutest::fails(*sql, "DROP CERTIFICATE [nosuch]");
  CHECK(e.number == 15151);
  CHECK(e.message == "Cannot drop the certificate 'nosuch', because it does not exist or you do not have permission.");
  // The session stays usable after an error.
  auto name = emutest::run(*sql, "SELECT @@SERVERNAME");
  CHECK(name.sets.at(0).rows.at(0).at(0).as_string() == "sqlbox1");
  auto syntax = emutest::fails(*sql, "CREATE ENDPOINTX foo");
  CHECK(syntax.number == 343);
}

TEST_CASE("hostile names travel quoted and come back intact", "[emulator]") {
  emutest::Running env;
  auto sql = env.open("sqlserver");
  emutest::run(*sql, "USE MASTER\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'");
  for (const std::string name : {"db]; DROP DATABASE x; --", "O'Brien", "Überprüfung 証明書"}) {
    emutest::run(*sql, "CREATE CERTIFICATE " + quote_identifier(name) + " WITH SUBJECT = " + quote_literal(name));
    auto r = emutest::run(*sql, "SELECT name, subject FROM sys.certificates WHERE name = ?", {SqlValue::nvarchar(name)});
    REQUIRE(r.sets.at(0).rows.size() == 1);
    CHECK(r.sets[0].at(0, "subject").as_string() == name);
  }
}

TEST_CASE("the managed instance refuses a client that will not encrypt", "[emulator]") {
  emutest::Running env;
  milink::sdk::Value root = env.config.root;
  root.mutable_object().find("managed_instance")->mutable_object().set("encryption", milink::sdk::Value("off"));
  milink::sql::SqlService plain(root, env.config.file);
  std::string error;
  auto s = plain.open("managed_instance", false, {}, error);
  CHECK_FALSE(s);
  CHECK_THAT(error, Catch::Matchers::Contains("managed_instance"));
  CHECK_THAT(error, Catch::Matchers::Contains("127.0.0.1:" + std::to_string(env.emulator.mi_port())));
}

TEST_CASE("the sa-password option replaces sa's password on both servers", "[emulator]") {
  milink::emulator::EmulatorOptions options;
  options.sa_password = "An0ther!Secret-pw";
  emutest::Running env(options);
  auto sql = env.open("sqlserver");
  auto mi = env.open("managed_instance");
  CHECK(emutest::run(*mi, "SELECT @@SERVERNAME").sets.at(0).rows.at(0).at(0).as_string() ==
        "mi1.abc123def456.database.windows.net");

  // The old default password no longer works, and the error says why without showing it.
  milink::sdk::Value root = env.config.root;
  root.mutable_object().find("sqlserver")->mutable_object().set("password",
                                                                 milink::sdk::Value(milink::emulator::kDefaultSaPassword));
  milink::sql::SqlService old(root, env.config.file);
  std::string error;
  CHECK_FALSE(old.open("sqlserver", false, {}, error));
  CHECK_THAT(error, Catch::Matchers::Contains("18456"));
  CHECK_THAT(error, !Catch::Matchers::Contains(milink::emulator::kDefaultSaPassword));
}

TEST_CASE("RAISERROR, THROW and WAITFOR DELAY over TDS through the ODBC driver", "[emulator][messages]") {
  emutest::Running env;
  auto sql = env.open("sqlserver");
  // Severity 10: an informational message; the batch's result still arrives.
  auto info = emutest::run(*sql, "RAISERROR(N'seeding %s: %d%%', 10, 1, N'sales', 40) WITH NOWAIT; SELECT 1 AS n");
  REQUIRE(info.messages.size() == 1);
  CHECK(info.messages[0].number == 50000);
  CHECK(info.messages[0].text == "seeding sales: 40%");
  CHECK(info.sets.at(0).rows.at(0).at(0).as_int64() == 1);
  // Severity 16: error 50000.
  auto raised = emutest::fails(*sql, "RAISERROR('database %s is not ready', 16, 1, 'sales')");
  CHECK(raised.number == 50000);
  CHECK(raised.message == "database sales is not ready");
  auto thrown = emutest::fails(*sql, "THROW 51000, N'The record does not exist.', 1;");
  CHECK(thrown.number == 51000);
  CHECK(thrown.message == "The record does not exist.");
  // A short WAITFOR DELAY, then the batch goes on.
  auto waited = emutest::run(*sql, "WAITFOR DELAY '00:00:00.100'; SELECT 2 AS n");
  CHECK(waited.sets.at(0).rows.at(0).at(0).as_int64() == 2);
  auto bad = emutest::fails(*sql, "WAITFOR DELAY '24:00:00'");
  CHECK(bad.number == 148);
  CHECK(bad.message == "Incorrect time syntax in time string '24:00:00' used with WAITFOR.");
}
