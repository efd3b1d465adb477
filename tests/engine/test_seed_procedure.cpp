// The seed procedure (managed-instance-link-use-scripts-to-replicate-database.md),
// SQL Server and managed-instance statements in order, sent batch by batch
// as a client splits them at GO.
#include "engine_fixture.hpp"

#include "state/x509.hpp"

#include <algorithm>

using namespace enginetest;
using seedtest::kCreateAg;
using seedtest::kCreateDag;
using seedtest::kCreateEndpoint;
using seedtest::kImportMiCertificate;
using seedtest::kMasterKeyAndCertificate;
using seedtest::replace_all;

namespace {

// The rest of the seed's T-SQL verbatim (the statements that create things
// are in tests/support/seed_sql.cpp; fill() puts in a strong password, and
// 2030 for the 2025 expiry date, now in the past, see the 15214 test).
const char* kVerifyCertificates = R"(-- Run on SQL Server
USE MASTER
GO
SELECT * FROM sys.certificates
)";

const char* kPublicKey = R"(-- Run on SQL Server
-- Show the public key of the generated SQL Server certificate
USE MASTER
GO
DECLARE @sqlserver_certificate_name NVARCHAR(MAX) = N'Cert_' + @@servername  + N'_endpoint'
DECLARE @PUBLICKEYENC VARBINARY(MAX) = CERTENCODED(CERT_ID(@sqlserver_certificate_name));
SELECT @PUBLICKEYENC AS PublicKeyEncoded;
)";

const char* kCheckEndpoint = R"(-- Run on SQL Server
-- View database mirroring endpoints on SQL Server
SELECT * FROM sys.database_mirroring_endpoints WHERE type_desc = 'DATABASE_MIRRORING'
)";

const char* kValidateEndpoint = R"(-- Run on SQL Server
-- View database mirroring endpoints on SQL Server
SELECT
    name, type_desc, state_desc, role_desc,
    connection_auth_desc, is_encryption_enabled, encryption_algorithm_desc
FROM 
    sys.database_mirroring_endpoints
)";

const char* kServerName = R"(-- Run on SQL Server
SELECT @@SERVERNAME AS SQLServerName 
)";

const char* kVerifyAgs = R"(-- Run on SQL Server
-- This will show that the availability group and distributed availability group have been created on SQL Server.
SELECT * FROM sys.availability_groups
)";

const char* kVerifyLink = R"(-- Run on SQL Server
SELECT
    r.replica_server_name AS [Replica],
    r.endpoint_url AS [Endpoint],
    rs.connected_state_desc AS [Connected state],
    rs.last_connect_error_description AS [Last connection error],
    rs.last_connect_error_number AS [Last connection error No],
    rs.last_connect_error_timestamp AS [Last error timestamp]
FROM
    sys.dm_hadr_availability_replica_states rs
    JOIN sys.availability_replicas r
    ON rs.replica_id = r.replica_id
)";

std::string fill(const std::string& s, const std::string& fqdn) {
  seedtest::SeedNames names;
  names.mi_fqdn = fqdn;
  return seedtest::fill(s, names);
}

void require_all_ok(const std::vector<Response>& rs) {
  for (const auto& r : rs) {
    INFO(describe(r));
    REQUIRE_FALSE(r.has_error());
  }
}

}  // namespace

TEST_CASE("the seed procedure's SQL Server and managed instance statements succeed in order", "[seed]") {
  Fixture fx;
  const std::string fqdn = fx.world.managed_instance.fqdn;

  // 1. master key and certificate (dynamic SQL through sp_executesql)
  auto step1 = fx.script(fill(kMasterKeyAndCertificate, fqdn));
  REQUIRE(step1.size() == 3);
  require_all_ok(step1);

  // 2. SELECT * FROM sys.certificates: the certificate, encrypted by the master key
  auto step2 = fx.script(kVerifyCertificates);
  require_all_ok(step2);
  const ResultSet& certs = only_set(step2.back());
  REQUIRE(certs.rows.size() == 1);
  CHECK(cell(certs, 0, "name").as_string() == "Cert_sqlbox1_endpoint");
  CHECK(cell(certs, 0, "subject").as_string() == "Certificate for Cert_sqlbox1_endpoint");
  CHECK(cell(certs, 0, "pvt_key_encryption_type").as_string() == "MK");
  CHECK(cell(certs, 0, "pvt_key_encryption_type_desc").as_string() == "ENCRYPTED_BY_MASTER_KEY");
  CHECK(cell(certs, 0, "expiry_date").as_datetime().year == 2030);

  // 3. the public key: CERTENCODED(CERT_ID(...)) is the DER certificate
  auto step3 = fx.script(kPublicKey);
  require_all_ok(step3);
  const ResultSet& pk = only_set(step3.back());
  REQUIRE(pk.columns.at(0).name == "PublicKeyEncoded");
  CHECK(pk.columns.at(0).type == SqlType::VarBinary);
  auto info = parse_certificate_der(pk.rows.at(0).at(0).as_bytes());
  REQUIRE(info);
  CHECK(info->subject_cn == "Certificate for Cert_sqlbox1_endpoint");
  CHECK(info->not_after.year == 2030);

  // 4. the managed instance's endpoint certificate
  Response mi_cert = fx.ok_mi("-- Run on a managed instance\nEXEC sp_get_endpoint_certificate @endpoint_type = 4");
  const ResultSet& mic = only_set(mi_cert);
  REQUIRE(mic.columns.at(0).name == "EndpointCertificatePublicKey");
  std::vector<std::uint8_t> mi_der = mic.rows.at(0).at(0).as_bytes();
  auto mi_info = parse_certificate_der(mi_der);
  REQUIRE(mi_info);
  CHECK(mi_info->subject_cn == fqdn);
  CHECK(certificate_signed_by(mi_der, fx.world.root_ca.info.der));

  // 5. import it on SQL Server, named after the managed instance's FQDN
  std::string import = replace_all(fill(kImportMiCertificate, fqdn), "<InstanceCertificate>",
                                   milink::sdk::to_hex_literal(mi_der));
  require_all_ok(fx.script(import));
  auto all_certs = fx.script("-- Run on SQL Server\nSELECT * FROM sys.certificates");
  require_all_ok(all_certs);
  CHECK(row_count(all_certs.back()) == 2);

  // 6. no mirroring endpoint yet, then create and validate it
  auto before = fx.script(kCheckEndpoint);
  require_all_ok(before);
  CHECK(row_count(before.back()) == 0);
  require_all_ok(fx.script(fill(kCreateEndpoint, fqdn)));
  auto validate = fx.script(kValidateEndpoint);
  require_all_ok(validate);
  const ResultSet& ep = only_set(validate.back());
  REQUIRE(ep.rows.size() == 1);
  CHECK(cell(ep, 0, "name").as_string() == "database_mirroring_endpoint");
  CHECK(cell(ep, 0, "type_desc").as_string() == "DATABASE_MIRRORING");
  CHECK(cell(ep, 0, "state_desc").as_string() == "STARTED");
  CHECK(cell(ep, 0, "role_desc").as_string() == "ALL");
  CHECK(cell(ep, 0, "connection_auth_desc").as_string() == "CERTIFICATE");
  CHECK(cell(ep, 0, "is_encryption_enabled").as_bool());
  CHECK(cell(ep, 0, "encryption_algorithm_desc").as_string() == "AES");

  // 7. the server name, the AG, the DAG
  auto name = fx.script(kServerName);
  require_all_ok(name);
  CHECK(cell(only_set(name.back()), 0, "SQLServerName").as_string() == "sqlbox1");
  require_all_ok(fx.script(fill(kCreateAg, fqdn)));
  require_all_ok(fx.script(fill(kCreateDag, fqdn)));

  // 8. verification queries
  auto ags = fx.script(kVerifyAgs);
  require_all_ok(ags);
  const ResultSet& agset = only_set(ags.back());
  REQUIRE(agset.rows.size() == 2);
  CHECK(cell(agset, 0, "name").as_string() == "AG_sales");
  CHECK_FALSE(cell(agset, 0, "is_distributed").as_bool());
  CHECK(cell(agset, 0, "cluster_type_desc").as_string() == "NONE");
  CHECK(cell(agset, 1, "name").as_string() == "DAG_sales");
  CHECK(cell(agset, 1, "is_distributed").as_bool());

  auto link = fx.script(kVerifyLink);
  require_all_ok(link);
  const ResultSet& rs = only_set(link.back());
  std::vector<std::string> names;
  for (const auto& c : rs.columns) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"Replica", "Endpoint", "Connected state", "Last connection error",
                                          "Last connection error No", "Last error timestamp"});
  REQUIRE(rs.rows.size() == 3);  // the AG's replica, and the DAG's two member AGs
  bool saw_mi = false;
  for (std::size_t i = 0; i < rs.rows.size(); ++i) {
    std::string replica = cell(rs, i, "Replica").as_string();
    std::string state = cell(rs, i, "Connected state").as_string();
    if (replica == "mi1") {
      saw_mi = true;
      CHECK(state == "DISCONNECTED");  // until the managed instance joins the DAG
      CHECK(cell(rs, i, "Endpoint").as_string() == "tcp://" + fqdn + ":5022;Server=[mi1]");
    } else {
      CHECK(state == "CONNECTED");
    }
    CHECK(cell(rs, i, "Last connection error No").is_null());
  }
  CHECK(saw_mi);

  // 9. exactly what was created, once
  milink::sdk::Value dump = fx.world.dump();
  const auto& sql = *dump.get("sql_server");
  const auto& dbs = sql.get("databases")->as_array();
  const auto& master = dbs.at(0);
  REQUIRE(master.get("name")->as_string() == "master");
  CHECK_FALSE(master.get("master_key")->is_null());
  const auto& mcerts = master.get("certificates")->as_array();
  REQUIRE(mcerts.size() == 2);
  CHECK(mcerts[0].get("name")->as_string() == "Cert_sqlbox1_endpoint");
  CHECK(mcerts[0].get("private_key")->as_string() == "ENCRYPTED_BY_MASTER_KEY");
  CHECK(mcerts[1].get("name")->as_string() == fqdn);
  CHECK(mcerts[1].get("private_key")->as_string() == "NO_PRIVATE_KEY");
  for (std::size_t i = 1; i < dbs.size(); ++i) {
    CHECK(dbs[i].get("master_key")->is_null());
    CHECK(dbs[i].get("certificates")->as_array().empty());
  }
  const auto& eps = sql.get("endpoints")->as_array();
  REQUIRE(eps.size() == 1);
  CHECK(eps[0].get("certificate")->as_string() == "Cert_sqlbox1_endpoint");
  CHECK(eps[0].get("port")->as_int() == 5022);
  const auto& groups = sql.get("availability_groups")->as_array();
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].get("databases")->as_array() == milink::sdk::Array{milink::sdk::Value("sales")});
  CHECK(groups[1].get("replicas")->as_array().size() == 2);
  // the managed instance got nothing from these statements
  const auto& mi = *dump.get("managed_instance");
  CHECK(mi.get("availability_groups")->as_array().empty());
  CHECK(mi.get("endpoints")->as_array().empty());

  // 10. the statement log: each CREATE once; the password masked
  auto log = fx.world.statement_log(Personality::SqlServer);
  auto count = [&](const std::string& prefix) {
    return std::count_if(log.begin(), log.end(), [&](const StatementLogEntry& e) { return e.text.rfind(prefix, 0) == 0; });
  };
  CHECK(count("CREATE MASTER KEY") == 1);
  CHECK(count("CREATE CERTIFICATE [Cert_sqlbox1_endpoint]") == 1);
  CHECK(count("CREATE CERTIFICATE [" + fqdn + "]") == 1);
  CHECK(count("CREATE ENDPOINT") == 1);
  CHECK(count("CREATE AVAILABILITY GROUP") == 2);
  for (const auto& e : log) {
    CHECK(e.ok);
    CHECK(e.text.find("Str0ng!Passw0rd#1") == std::string::npos);
  }
  auto mk = std::find_if(log.begin(), log.end(), [](const StatementLogEntry& e) { return e.text.rfind("CREATE MASTER KEY", 0) == 0; });
  REQUIRE(mk != log.end());
  CHECK(mk->text == "CREATE MASTER KEY ENCRYPTION BY PASSWORD = '******'");
  auto dyn = std::find_if(log.begin(), log.end(), [](const StatementLogEntry& e) { return e.text.rfind("CREATE CERTIFICATE [Cert_", 0) == 0; });
  REQUIRE(dyn != log.end());
  CHECK(dyn->depth == 1);
  auto exec = std::prev(dyn);
  CHECK(exec->text == "EXEC sp_executesql @stmt = @create_sqlserver_certificate_command");
  CHECK(exec->depth == 0);
  CHECK(exec->spid == 51);
  CHECK(exec->login == "sa");
  CHECK(exec->database == "master");
}

TEST_CASE("the seed's verbatim certificate batch: 2025-03-30 is in the past (15214), the weak placeholder password fails",
          "[seed]") {
  Fixture fx;
  std::string text = kMasterKeyAndCertificate;
  auto rs = fx.script(text);
  REQUIRE(rs.size() == 3);
  // '<strong_password>' has two character classes: Windows policy error 15118
  const Message& pw = single_error(rs[0]);
  CHECK(pw.number == 15118);
  CHECK(pw.severity == 16);
  CHECK(pw.line == 5);
  // without a master key, the dynamic CREATE CERTIFICATE fails with 15581
  const Message& mk = single_error(rs[2]);
  CHECK(mk.number == 15581);

  fx.ok("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'");
  auto again = fx.script(text.substr(text.find("-- Create the SQL Server certificate")));
  REQUIRE(again.size() == 2);
  const Message& expired = single_error(again[1]);
  CHECK(expired.number == 15214);
  CHECK(expired.severity == 16);
  CHECK(expired.text == "Warning: The certificate you created is expired.");
  // the certificate exists all the same (documented choice)
  Response c = fx.ok("SELECT expiry_date FROM sys.certificates WHERE name = N'Cert_sqlbox1_endpoint'");
  CHECK(scalar(c).as_datetime().year == 2025);
}
