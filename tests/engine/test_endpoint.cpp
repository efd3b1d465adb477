// CREATE / ALTER / DROP ENDPOINT FOR DATABASE_MIRRORING and
// sp_get_endpoint_certificate on both personalities.
#include "engine_fixture.hpp"

#include "state/x509.hpp"

using namespace enginetest;

namespace {

void with_certificate(Fixture& fx) {
  fx.ok("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'");
  fx.ok("CREATE CERTIFICATE ep_cert WITH SUBJECT = 'endpoint', EXPIRY_DATE = '2035-01-01'");
}

const char* kCreate =
    "CREATE ENDPOINT database_mirroring_endpoint STATE=STARTED AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL) "
    "FOR DATABASE_MIRRORING (ROLE=ALL, AUTHENTICATION = CERTIFICATE ep_cert, ENCRYPTION = REQUIRED ALGORITHM AES)";

}  // namespace

TEST_CASE("CREATE ENDPOINT: defaults, catalog views, one DATABASE_MIRRORING endpoint (7862)", "[endpoint]") {
  Fixture fx;
  with_certificate(fx);
  fx.ok("CREATE ENDPOINT hadr AS TCP (LISTENER_PORT = 5023) FOR DATABASE_MIRRORING (ROLE = PARTNER)");
  Response r = fx.ok("SELECT * FROM sys.database_mirroring_endpoints");
  const ResultSet& rs = only_set(r);
  REQUIRE(rs.rows.size() == 1);
  CHECK(cell(rs, 0, "state_desc").as_string() == "STOPPED");               // STATE defaults to STOPPED
  CHECK(cell(rs, 0, "connection_auth_desc").as_string() == "NEGOTIATE");   // WINDOWS NEGOTIATE
  CHECK(cell(rs, 0, "encryption_algorithm_desc").as_string() == "AES");    // REQUIRED, AES
  CHECK(cell(rs, 0, "role_desc").as_string() == "PARTNER");
  CHECK(cell(rs, 0, "certificate_id").as_int64() == 0);
  CHECK(cell(rs, 0, "endpoint_id").as_int64() == 65536);
  CHECK(cell(rs, 0, "protocol_desc").as_string() == "TCP");
  CHECK(cell(rs, 0, "type").as_int64() == 4);

  const Message& dup = single_error(fx.run(kCreate));
  CHECK(dup.number == 7862);
  CHECK(dup.severity == 16);
  CHECK(dup.text.rfind("An endpoint of the requested type already exists.", 0) == 0);
  fx.ok("DROP ENDPOINT hadr");
  fx.ok(kCreate);

  Response all = fx.ok("SELECT name, endpoint_id, type_desc FROM sys.endpoints ORDER BY endpoint_id");
  const ResultSet& eps = only_set(all);
  REQUIRE(eps.rows.size() == 6);
  CHECK(cell(eps, 0, "name").as_string() == "Dedicated Admin Connection");
  CHECK(cell(eps, 3, "name").as_string() == "TSQL Default TCP");
  CHECK(cell(eps, 5, "name").as_string() == "database_mirroring_endpoint");
  CHECK(cell(eps, 5, "type_desc").as_string() == "DATABASE_MIRRORING");
  Response tcp = fx.ok("SELECT port, ip_address FROM sys.tcp_endpoints WHERE name = 'database_mirroring_endpoint'");
  CHECK(cell(only_set(tcp), 0, "port").as_int64() == 5022);
  CHECK(cell(only_set(tcp), 0, "ip_address").is_null());
}

TEST_CASE("CREATE ENDPOINT errors: missing certificate, name taken, syntax", "[endpoint]") {
  Fixture fx;
  const Message& nocert = single_error(fx.run(
      "CREATE ENDPOINT e STATE=STARTED AS TCP (LISTENER_PORT=5022) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE "
      "[nosuch], ROLE=ALL)"));
  CHECK(nocert.number == 15151);
  CHECK(nocert.text == "Cannot find the certificate 'nosuch', because it does not exist or you do not have permission.");
  const Message& taken = single_error(fx.run("CREATE ENDPOINT [TSQL Default TCP] AS TCP (LISTENER_PORT=5022) FOR DATABASE_MIRRORING (ROLE=ALL)"));
  CHECK(taken.number == 15530);
  CHECK(fx.world.sql_server.endpoints.empty());
  // the payloads the emulator does not run, and a missing port, are syntax errors
  CHECK(single_error(fx.run("CREATE ENDPOINT e AS TCP (LISTENER_PORT=4022) FOR SERVICE_BROKER (AUTHENTICATION = WINDOWS)")).number == 102);
  CHECK(single_error(fx.run("CREATE ENDPOINT e AS TCP (LISTENER_IP = ALL) FOR DATABASE_MIRRORING (ROLE=ALL)")).number == 102);
  CHECK(single_error(fx.run("CREATE ENDPOINT e AS TCP (LISTENER_PORT=5022) FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM DES)")).number == 102);
  // the managed instance has no user endpoints
  CHECK(single_error(fx.run_mi("CREATE ENDPOINT e AS TCP (LISTENER_PORT=5022) FOR DATABASE_MIRRORING (ROLE=ALL)")).number == 40517);
}

TEST_CASE("connection_auth and encryption_algorithm cover every documented combination", "[endpoint]") {
  Fixture fx;
  with_certificate(fx);
  fx.ok("CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL)");
  struct Case {
    const char* auth;
    int code;
    const char* desc;
  } auths[] = {{"WINDOWS NTLM", 1, "NTLM"},
               {"WINDOWS KERBEROS", 2, "KERBEROS"},
               {"WINDOWS", 3, "NEGOTIATE"},
               {"CERTIFICATE ep_cert", 4, "CERTIFICATE"},
               {"WINDOWS NTLM CERTIFICATE ep_cert", 5, "NTLM, CERTIFICATE"},
               {"WINDOWS KERBEROS CERTIFICATE ep_cert", 6, "KERBEROS, CERTIFICATE"},
               {"WINDOWS NEGOTIATE CERTIFICATE ep_cert", 7, "NEGOTIATE, CERTIFICATE"},
               {"CERTIFICATE ep_cert WINDOWS NTLM", 8, "CERTIFICATE, NTLM"},
               {"CERTIFICATE ep_cert WINDOWS KERBEROS", 9, "CERTIFICATE, KERBEROS"},
               {"CERTIFICATE ep_cert WINDOWS", 10, "CERTIFICATE, NEGOTIATE"}};
  for (const auto& c : auths) {
    fx.ok(std::string("ALTER ENDPOINT e FOR DATABASE_MIRRORING (AUTHENTICATION = ") + c.auth + ")");
    Response r = fx.ok("SELECT connection_auth, connection_auth_desc, certificate_id FROM sys.database_mirroring_endpoints");
    INFO(c.auth);
    CHECK(cell(only_set(r), 0, "connection_auth").as_int64() == c.code);
    CHECK(cell(only_set(r), 0, "connection_auth_desc").as_string() == c.desc);
    CHECK(cell(only_set(r), 0, "certificate_id").as_int64() == (c.code >= 4 ? 256 : 0));
  }
  struct Enc {
    const char* enc;
    int code;
    const char* desc;
    bool enabled;
  } encs[] = {{"DISABLED", 0, "NONE", false},
              {"REQUIRED ALGORITHM RC4", 1, "RC4", true},
              {"REQUIRED", 2, "AES", true},
              {"SUPPORTED ALGORITHM RC4", 3, "NONE, RC4", true},
              {"SUPPORTED", 4, "NONE, AES", true},
              {"REQUIRED ALGORITHM RC4 AES", 5, "RC4, AES", true},
              {"REQUIRED ALGORITHM AES RC4", 6, "AES, RC4", true},
              {"SUPPORTED ALGORITHM RC4 AES", 7, "NONE, RC4, AES", true},
              {"SUPPORTED ALGORITHM AES RC4", 8, "NONE, AES, RC4", true}};
  for (const auto& c : encs) {
    fx.ok(std::string("ALTER ENDPOINT e FOR DATABASE_MIRRORING (ENCRYPTION = ") + c.enc + ")");
    Response r = fx.ok("SELECT encryption_algorithm, encryption_algorithm_desc, is_encryption_enabled FROM sys.database_mirroring_endpoints");
    INFO(c.enc);
    CHECK(cell(only_set(r), 0, "encryption_algorithm").as_int64() == c.code);
    CHECK(cell(only_set(r), 0, "encryption_algorithm_desc").as_string() == c.desc);
    CHECK(cell(only_set(r), 0, "is_encryption_enabled").as_bool() == c.enabled);
  }
}

TEST_CASE("ALTER ENDPOINT changes only what it names, the seed's NEGOTIATE CERTIFICATE form", "[endpoint]") {
  Fixture fx;
  with_certificate(fx);
  fx.ok("CREATE ENDPOINT Hadr_endpoint STATE = STARTED AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING "
        "(ROLE = ALL, AUTHENTICATION = WINDOWS NEGOTIATE, ENCRYPTION = REQUIRED ALGORITHM RC4)");
  fx.ok("ALTER ENDPOINT Hadr_endpoint STATE = STOPPED");
  const Endpoint& e = fx.world.sql_server.endpoints.at(0);
  CHECK(e.state == EndpointState::Stopped);
  CHECK(e.port == 5022);
  CHECK(e.encryption_algorithm_desc() == "RC4");
  fx.ok("USE MASTER\nALTER ENDPOINT Hadr_endpoint\n    STATE=STARTED\n    AS TCP (LISTENER_PORT=5022, LISTENER_IP = ALL)\n"
        "    FOR DATABASE_MIRRORING (\n        ROLE=ALL,\n        AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE ep_cert,\n"
        "        ENCRYPTION = REQUIRED ALGORITHM AES\n    )\n");
  CHECK(e.connection_auth_desc() == "NEGOTIATE, CERTIFICATE");
  CHECK(e.encryption_algorithm_desc() == "AES");
  CHECK(e.state == EndpointState::Started);
  fx.ok("ALTER ENDPOINT Hadr_endpoint AS TCP (LISTENER_PORT = 5023, LISTENER_IP = (10.0.75.1))");
  Response ip = fx.ok("SELECT port, ip_address FROM sys.tcp_endpoints WHERE type_desc = 'DATABASE_MIRRORING'");
  CHECK(cell(only_set(ip), 0, "port").as_int64() == 5023);
  CHECK(cell(only_set(ip), 0, "ip_address").as_string() == "10.0.75.1");

  const Message& missing = single_error(fx.run("ALTER ENDPOINT nosuch STATE = STARTED"));
  CHECK(missing.number == 15151);
  CHECK(missing.text == "Cannot alter the endpoint 'nosuch', because it does not exist or you do not have permission.");
  CHECK(single_error(fx.run("ALTER ENDPOINT Hadr_endpoint FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE nosuch)")).number == 15151);
  CHECK(e.connection_auth_desc() == "NEGOTIATE, CERTIFICATE");
  const Message& drop = single_error(fx.run("DROP ENDPOINT nosuch"));
  CHECK(drop.text == "Cannot drop the endpoint 'nosuch', because it does not exist or you do not have permission.");
}

TEST_CASE("sp_get_endpoint_certificate: the managed instance's certificates, NULL for other types", "[endpoint]") {
  Fixture fx;
  auto dbm = fx.mi_certificate();
  auto info = parse_certificate_der(dbm);
  REQUIRE(info);
  CHECK(info->subject_cn == fx.world.managed_instance.fqdn);
  CHECK(info->issuer_cn == "milink emulator root CA");
  CHECK(std::find(info->dns_names.begin(), info->dns_names.end(), fx.world.managed_instance.fqdn) != info->dns_names.end());
  Response sb = fx.ok_mi("EXEC sp_get_endpoint_certificate 3");
  auto sb_der = only_set(sb).rows.at(0).at(0).as_bytes();
  CHECK(sb_der != dbm);
  CHECK(parse_certificate_der(sb_der));
  // the same certificate on every call
  CHECK(fx.mi_certificate() == dbm);
  Response other = fx.ok_mi("EXEC sp_get_endpoint_certificate @endpoint_type = 7");
  CHECK(only_set(other).rows.at(0).at(0).is_null());
  const Message& missing = single_error(fx.run_mi("EXEC sp_get_endpoint_certificate"));
  CHECK(missing.number == 201);
  CHECK(missing.text == "Procedure or function 'sp_get_endpoint_certificate' expects parameter '@endpoint_type', which was not supplied.");
  // return status
  bool status = false;
  for (const auto& i : sb.items)
    if (const auto* s = std::get_if<ReturnStatus>(&i)) status = s->value == 0;
  CHECK(status);
}

TEST_CASE("sp_get_endpoint_certificate on SQL Server: its endpoint's certificate on builds that have it", "[endpoint]") {
  Scenario cu15 = default_scenario();
  cu15.sql_server.version = "15.0.4198.2";  // 2019 before CU20
  Fixture old(cu15);
  CHECK(single_error(old.run("EXEC sp_get_endpoint_certificate @endpoint_type = 4")).number == 2812);

  Scenario s = default_scenario();
  s.sql_server.version = "16.0.4003.1";
  Fixture fx(s);
  const Message& none = single_error(fx.run("EXEC sp_get_endpoint_certificate @endpoint_type = 4"));
  CHECK(none.number == 50000);  // inferred: no documented number
  with_certificate(fx);
  fx.ok("CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = WINDOWS)");
  CHECK(single_error(fx.run("EXEC sp_get_endpoint_certificate @endpoint_type = 4")).number == 50000);
  fx.ok("ALTER ENDPOINT e FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE ep_cert)");
  auto der = only_set(fx.ok("EXEC sp_get_endpoint_certificate @endpoint_type = 4")).rows.at(0).at(0).as_bytes();
  CHECK(der == scalar(fx.ok("SELECT CERTENCODED(CERT_ID('ep_cert'))")).as_bytes());
}
