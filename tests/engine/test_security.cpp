// Master keys, certificates (real X.509), sp_certificate_add_issuer, and
// the password policy per host OS.
#include "engine_fixture.hpp"

#include "state/x509.hpp"

#include <algorithm>

using namespace enginetest;

namespace {
const char* kMk = "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'";
}

TEST_CASE("CREATE MASTER KEY: one per database (15578), sys.symmetric_keys shows it", "[security]") {
  Fixture fx;
  Response none = fx.ok("SELECT * FROM sys.symmetric_keys WHERE name LIKE '%DatabaseMasterKey%'");
  CHECK(row_count(none) == 0);
  fx.ok(kMk);
  const Message& again = single_error(fx.run(kMk));
  CHECK(again.number == 15578);
  CHECK(again.severity == 16);
  CHECK(again.state == 1);
  CHECK(again.text == "There is already a master key in the database. Please drop it before performing this statement.");
  Response keys = fx.ok("SELECT name, symmetric_key_id, algorithm_desc FROM master.sys.symmetric_keys ORDER BY symmetric_key_id");
  const ResultSet& rs = only_set(keys);
  REQUIRE(rs.rows.size() == 2);
  CHECK(cell(rs, 0, "name").as_string() == "##MS_DatabaseMasterKey##");
  CHECK(cell(rs, 0, "symmetric_key_id").as_int64() == 101);
  CHECK(cell(rs, 0, "algorithm_desc").as_string() == "AES_256");
  CHECK(cell(rs, 1, "name").as_string() == "##MS_ServiceMasterKey##");
  // master keys are per database
  fx.ok("USE sales; " + std::string(kMk));
  CHECK(fx.world.sql_server.find_database("sales")->master_key.has_value());
  CHECK(fx.world.sql_server.find_database("hr")->master_key == std::nullopt);
}

TEST_CASE("password policy: Windows 15118/15117, Linux 33064/33063", "[security]") {
  Fixture win;
  for (const char* weak : {"abc", "abcdefgh", "ABCDEFGH1", "Ab1"}) {
    const Message& m = single_error(win.run(std::string("CREATE MASTER KEY ENCRYPTION BY PASSWORD = '") + weak + "'"));
    CHECK(m.number == 15118);
    CHECK(m.text ==
          "Password validation failed. The password does not meet the operating system policy requirements because it "
          "is not complex enough.");
  }
  CHECK(single_error(win.run("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Aa1" + std::string(130, 'x') + "'")).number == 15117);
  CHECK_FALSE(win.world.sql_server.master().master_key.has_value());

  Scenario s = default_scenario();
  s.sql_server.os = HostOs::Linux;
  Fixture lin(s);
  const Message& m = single_error(lin.run("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Ab1!x'"));
  CHECK(m.number == 33064);
  CHECK(m.state == 2);
  CHECK(m.severity == 16);
  CHECK(m.text.find("at least 8 characters long") != std::string::npos);
  CHECK(single_error(lin.run("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'abcdefgh1'")).number == 33064);
  lin.ok("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Abcdefg1'");
}

TEST_CASE("CREATE CERTIFICATE: needs a master key (15581), names are unique (15232)", "[security]") {
  Fixture fx;
  const Message& nomk = single_error(fx.run("CREATE CERTIFICATE c1 WITH SUBJECT = 'one'"));
  CHECK(nomk.number == 15581);
  CHECK(nomk.text ==
        "Please create a master key in the database or open the master key in the session before performing this "
        "operation.");
  // a password-protected private key needs no master key
  fx.ok("CREATE CERTIFICATE c_pw ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#2' WITH SUBJECT = 'pw'");
  Response pw = fx.ok("SELECT pvt_key_encryption_type, pvt_key_encryption_type_desc FROM sys.certificates WHERE name = 'c_pw'");
  CHECK(cell(only_set(pw), 0, "pvt_key_encryption_type").as_string() == "PW");
  CHECK(cell(only_set(pw), 0, "pvt_key_encryption_type_desc").as_string() == "ENCRYPTED_BY_PASSWORD");

  fx.ok(kMk);
  fx.ok("CREATE CERTIFICATE c1 WITH SUBJECT = 'one'");
  const Message& dup = single_error(fx.run("CREATE CERTIFICATE [C1] WITH SUBJECT = 'two'"));
  CHECK(dup.number == 15232);
  CHECK(dup.severity == 16);
  CHECK(dup.text == "A certificate with name 'C1' already exists or this certificate already has been added to the database.");
  CHECK(fx.world.sql_server.master().certificates.size() == 2);
  Response ids = fx.ok("SELECT certificate_id FROM sys.certificates ORDER BY certificate_id");
  CHECK(cell(only_set(ids), 0, "certificate_id").as_int64() == 256);
  CHECK(cell(only_set(ids), 1, "certificate_id").as_int64() == 257);
}

TEST_CASE("a created certificate is real X.509 with the requested subject, dates and an RSA key", "[security]") {
  Fixture fx;
  fx.ok(kMk);
  fx.ok("CREATE CERTIFICATE [Cert_sqlbox1_endpoint] WITH SUBJECT = 'Certificate for Cert_sqlbox1_endpoint', "
        "START_DATE = '2026-01-15', EXPIRY_DATE = '12/31/2031'");
  Response r = fx.ok("SELECT CERTENCODED(CERT_ID('Cert_sqlbox1_endpoint')) AS der, start_date, expiry_date, thumbprint, "
                     "subject, issuer_name, cert_serial_number FROM sys.certificates");
  const ResultSet& rs = only_set(r);
  auto der = cell(rs, 0, "der").as_bytes();
  auto info = parse_certificate_der(der);
  REQUIRE(info);
  CHECK(info->subject_dn == "CN=Certificate for Cert_sqlbox1_endpoint");
  CHECK(info->self_signed);
  CHECK(info->key_bits == 2048);
  CHECK(info->not_before.year == 2026);
  CHECK(info->not_before.month == 1);
  CHECK(info->not_before.day == 15);
  CHECK(info->not_after.year == 2031);
  CHECK(info->not_after.month == 12);
  CHECK(info->not_after.day == 31);
  CHECK(cell(rs, 0, "thumbprint").as_bytes() == info->sha1);
  CHECK(cell(rs, 0, "thumbprint").as_bytes().size() == 20);
  CHECK(cell(rs, 0, "subject").as_string() == "Certificate for Cert_sqlbox1_endpoint");
  CHECK(cell(rs, 0, "issuer_name").as_string() == "Certificate for Cert_sqlbox1_endpoint");
  CHECK(cell(rs, 0, "start_date").as_datetime().year == 2026);
  CHECK(cell(rs, 0, "expiry_date").as_datetime().year == 2031);
  CHECK(cell(rs, 0, "cert_serial_number").as_string() == serial_display(info->serial));
  const Certificate& c = fx.world.sql_server.master().certificates.at(0);
  CHECK(c.has_private_key());
  CHECK(private_key_matches(der, c.private_key_pem));
  // default validity: one year from now
  fx.ok("CREATE CERTIFICATE c2 WITH SUBJECT = N'Zertifikat Ä 证书'");
  auto der2 = scalar(fx.ok("SELECT CERTENCODED(CERT_ID(N'c2'))")).as_bytes();
  auto info2 = parse_certificate_der(der2);
  REQUIRE(info2);
  CHECK(info2->subject_cn == "Zertifikat Ä 证书");
  CHECK(info2->not_after.year - info2->not_before.year == 1);
}

TEST_CASE("certificate dates: bad strings (241), 15213, 15215 warnings still create it", "[security]") {
  Fixture fx;
  fx.ok(kMk);
  CHECK(single_error(fx.run("CREATE CERTIFICATE c WITH SUBJECT = 's', EXPIRY_DATE = '31/31/2030'")).number == 241);
  CHECK(single_error(fx.run("CREATE CERTIFICATE c WITH SUBJECT = 's', EXPIRY_DATE = 'soon'")).number == 241);
  const Message& before = single_error(fx.run("CREATE CERTIFICATE c1 WITH SUBJECT = 's', START_DATE = '2031-01-01', EXPIRY_DATE = '2030-01-01'"));
  CHECK(before.number == 15213);
  const Message& future = single_error(fx.run("CREATE CERTIFICATE c2 WITH SUBJECT = 's', START_DATE = '2099-01-01', EXPIRY_DATE = '2100-01-01'"));
  CHECK(future.number == 15215);
  CHECK(future.text == "Warning: The certificate you created is not yet valid; its start date is in the future.");
  CHECK(fx.world.sql_server.master().certificates.size() == 2);
  CHECK(single_error(fx.run("CREATE CERTIFICATE c3 WITH SUBJECT = ''")).number == 15212);
}

TEST_CASE("CREATE CERTIFICATE FROM BINARY: round trip, no private key, garbage (15468), FROM FILE (15208)", "[security]") {
  Fixture fx;
  fx.ok(kMk);
  fx.ok("CREATE CERTIFICATE src WITH SUBJECT = 'round trip', EXPIRY_DATE = '2032-06-30'");
  auto der = scalar(fx.ok("SELECT CERTENCODED(CERT_ID('src'))")).as_bytes();
  // the same certificate again in the same database: 15232
  const Message& same = single_error(fx.run("CREATE CERTIFICATE copy FROM BINARY = " + milink::sdk::to_hex_literal(der)));
  CHECK(same.number == 15232);
  // into another database it round-trips byte for byte
  fx.ok("USE sales; CREATE CERTIFICATE copy FROM BINARY = " + milink::sdk::to_hex_literal(der));
  Response r = fx.ok("SELECT CERTENCODED(CERT_ID('copy')) AS der, pvt_key_encryption_type, thumbprint, subject, expiry_date "
                     "FROM sales.sys.certificates");
  const ResultSet& rs = only_set(r);
  CHECK(cell(rs, 0, "der").as_bytes() == der);
  CHECK(cell(rs, 0, "pvt_key_encryption_type").as_string() == "NA");
  CHECK(cell(rs, 0, "subject").as_string() == "round trip");
  CHECK(cell(rs, 0, "expiry_date").as_datetime().year == 2032);
  CHECK_FALSE(fx.world.sql_server.find_database("sales")->certificates.at(0).has_private_key());
  // no master key needed to import a public certificate
  CHECK_FALSE(fx.world.sql_server.find_database("sales")->master_key.has_value());

  const Message& garbage = single_error(fx.run("CREATE CERTIFICATE bad FROM BINARY = 0x1234"));
  CHECK(garbage.number == 15468);
  CHECK(garbage.text == "An error occurred during the generation of the certificate.");
  CHECK(single_error(fx.run("CREATE CERTIFICATE bad FROM BINARY = 0x")).number == 15468);
  auto trailing = der;
  trailing.push_back(0);
  CHECK(single_error(fx.run("CREATE CERTIFICATE bad FROM BINARY = " + milink::sdk::to_hex_literal(trailing))).number == 15468);
  const Message& file = single_error(fx.run("CREATE CERTIFICATE f FROM FILE = 'C:\\certs\\x.cer'"));
  CHECK(file.number == 15208);
  CHECK(fx.world.sql_server.master().certificates.size() == 1);
}

TEST_CASE("DROP CERTIFICATE and DROP MASTER KEY: 15151, 15352, 15580", "[security]") {
  Fixture fx;
  const Message& missing = single_error(fx.run("DROP CERTIFICATE [O'Brien]"));
  CHECK(missing.number == 15151);
  CHECK(missing.severity == 16);
  CHECK(missing.text == "Cannot drop the certificate 'O'Brien', because it does not exist or you do not have permission.");
  const Message& hostile = single_error(fx.run("DROP CERTIFICATE [db]]; DROP DATABASE x; --]"));
  CHECK(hostile.text ==
        "Cannot drop the certificate 'db]; DROP DATABASE x; --', because it does not exist or you do not have permission.");
  CHECK(single_error(fx.run("DROP MASTER KEY")).number == 15151);

  fx.ok(kMk);
  fx.ok("CREATE CERTIFICATE [db]]; DROP DATABASE x; --] WITH SUBJECT = 'hostile'");
  CHECK(fx.world.sql_server.master().certificates.at(0).name == "db]; DROP DATABASE x; --");
  fx.ok("CREATE ENDPOINT e STATE = STARTED AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING "
        "(ROLE = ALL, AUTHENTICATION = CERTIFICATE [db]]; DROP DATABASE x; --])");
  const Message& used = single_error(fx.run("DROP CERTIFICATE [db]]; DROP DATABASE x; --]"));
  CHECK(used.number == 15352);
  CHECK(used.text == "The certificate cannot be dropped because one or more entities are either signed or encrypted using it.");
  const Message& mk = single_error(fx.run("DROP MASTER KEY"));
  CHECK(mk.number == 15580);
  CHECK(mk.text == "Cannot drop master key because certificate 'db]; DROP DATABASE x; --' is encrypted by it.");
  fx.ok("DROP ENDPOINT e");
  fx.ok("DROP CERTIFICATE [db]]; DROP DATABASE x; --]");
  fx.ok("DROP MASTER KEY");
  CHECK(fx.world.sql_server.master().certificates.empty());
  CHECK(fx.world.sql_server.databases.size() == 6);
}

TEST_CASE("sp_certificate_add_issuer: 2812 before 2019 CU20, then positional or named, bad id 15151", "[security]") {
  Scenario cu15 = default_scenario();
  cu15.sql_server.version = "15.0.4198.2";
  Fixture old(cu15);
  const Message& m = single_error(old.run("EXEC sp_certificate_add_issuer 1, N'*.database.windows.net'"));
  CHECK(m.number == 2812);
  CHECK(m.text == "Could not find stored procedure 'sp_certificate_add_issuer'.");

  Scenario s = default_scenario();
  s.sql_server.version = "15.0.4312.2";
  Fixture fx(s);
  fx.ok(kMk);
  fx.ok("CREATE CERTIFICATE [MicrosoftPKI] FROM BINARY = " + milink::sdk::to_hex_literal(fx.world.root_ca.info.der));
  Response r = fx.ok(
      "DECLARE @CERTID int\nSELECT @CERTID = CERT_ID('MicrosoftPKI')\nEXEC sp_certificate_add_issuer @CERTID, N'*.database.windows.net';");
  CHECK(fx.world.sql_server.trusted_issuers.size() == 1);
  CHECK(fx.world.sql_server.trusted_issuers[0].certificate_name == "MicrosoftPKI");
  CHECK(fx.world.sql_server.trusted_issuers[0].dns_pattern == "*.database.windows.net");
  // again: nothing added twice
  fx.ok("EXEC sys.sp_certificate_add_issuer @certificate_id = 256, @issuer_name = N'*.database.windows.net'");
  CHECK(fx.world.sql_server.trusted_issuers.size() == 1);
  const Message& bad = single_error(fx.run("EXEC sp_certificate_add_issuer 999, N'*.database.windows.net'"));
  CHECK(bad.number == 15151);
  CHECK(bad.procedure == "sp_certificate_add_issuer");
  CHECK(single_error(fx.run("EXEC sp_certificate_add_issuer @nosuch = 1")).number == 8145);
  CHECK(single_error(fx.run("EXEC sp_certificate_add_issuer 256")).number == 201);
  // a trusted issuer's certificate cannot be dropped
  CHECK(single_error(fx.run("DROP CERTIFICATE MicrosoftPKI")).number == 15352);
  auto dump = fx.world.dump();
  CHECK(dump.get("sql_server")->get("trusted_issuers")->as_array().size() == 1);
}

TEST_CASE("secrets never reach the statement log or the dump", "[security]") {
  Fixture fx;
  fx.ok(kMk);
  fx.ok("CREATE CERTIFICATE c ENCRYPTION BY PASSWORD = 'An0ther!Secret' WITH SUBJECT = 's'");
  CHECK(single_error(fx.run("EXEC sp_executesql N'CREATE MASTER KEY ENCRYPTION BY PASSWORD = ''Th1rd!Secret'''")).number == 15578);
  fx.run("USE sales; EXEC sp_executesql N'CREATE MASTER KEY ENCRYPTION BY PASSWORD = N''Th1rd!Secret'''");
  auto log = fx.world.statement_log(Personality::SqlServer);
  std::string all;
  for (const auto& e : log) all += e.text + "\n";
  CHECK(all.find("Str0ng!Passw0rd#1") == std::string::npos);
  CHECK(all.find("An0ther!Secret") == std::string::npos);
  CHECK(all.find("Th1rd!Secret") == std::string::npos);
  CHECK(all.find("PASSWORD = '******'") != std::string::npos);
  CHECK(all.find("PASSWORD = ''******''") != std::string::npos);
  CHECK(mask_secrets("CREATE LOGIN x WITH PASSWORD = N'it''s', CHECK_POLICY = OFF") ==
        "CREATE LOGIN x WITH PASSWORD = N'******', CHECK_POLICY = OFF");
  CHECK(mask_secrets("SELECT 'PASSWORD = ''x''' AS not_secret_but_masked") == "SELECT 'PASSWORD = ''******''' AS not_secret_but_masked");
  CHECK(mask_secrets("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'unterminated") ==
        "CREATE MASTER KEY ENCRYPTION BY PASSWORD = '******'");
  std::string dump = fx.world.dump().to_json();
  CHECK(dump.find("Str0ng!Passw0rd#1") == std::string::npos);
  CHECK(dump.find(kDefaultSaPassword) == std::string::npos);
  CHECK(dump.find("PRIVATE KEY") == std::string::npos);
}

TEST_CASE("the link's procedures follow the Azure Connect pack on 2016 and 2017, and sys.all_objects lists them",
          "[security]") {
  auto listed = [](Fixture& fx) {
    return row_count(fx.ok("SELECT name FROM master.sys.all_objects WHERE name IN (N'sp_certificate_add_issuer', "
                           "N'sp_get_endpoint_certificate') AND schema_id = 4"));
  };
  for (const char* version : {"13.0.6300.2", "14.0.3456.2", "15.0.4198.2"}) {
    INFO(version);
    Scenario s = default_scenario();
    s.sql_server.version = version;
    Fixture fx(s);
    CHECK(single_error(fx.run("EXEC sp_certificate_add_issuer 1, N'*.database.windows.net'")).number == 2812);
    CHECK(listed(fx) == 0);
  }
  for (const char* version : {"13.0.7000.253", "14.0.3490.10", "15.0.4312.2", "16.0.1000.6"}) {
    INFO(version);
    Scenario s = default_scenario();
    s.sql_server.version = version;
    Fixture fx(s);
    CHECK(listed(fx) == 2);
  }
}
