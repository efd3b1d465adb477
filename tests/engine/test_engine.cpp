// The Engine interface: login, identity, describe, transactions, RPC calls,
// the statement log, scenario init_sql, and concurrency.
#include "engine_fixture.hpp"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

using namespace enginetest;

TEST_CASE("login: 18456 for a wrong password or user, 4060 for a missing database, 18470 when disabled", "[engine]") {
  Scenario s = default_scenario();
  s.sql_server.logins.push_back(LoginSpec{"app", "Appl1cation!", false, false, "sales"});
  s.sql_server.logins.push_back(LoginSpec{"old", "0ld!Passw0rd", false, true, "master"});
  Fixture fx(s);
  LoginResult ok = fx.sql.login(LoginRequest{"sa", kDefaultSaPassword, "", "test", "host"});
  CHECK(ok.ok);
  CHECK(ok.database == "master");
  LoginResult app = fx.sql.login(LoginRequest{"APP", "Appl1cation!", "", "", ""});
  CHECK(app.ok);
  CHECK(app.database == "sales");
  CHECK(fx.sql.login(LoginRequest{"sa", kDefaultSaPassword, "HR", "", ""}).database == "hr");
  LoginResult bad = fx.sql.login(LoginRequest{"sa", "wrong", "", "", ""});
  CHECK_FALSE(bad.ok);
  CHECK(bad.error.number == 18456);
  CHECK(bad.error.severity == 14);
  CHECK(bad.error.state == 1);
  CHECK(bad.error.text == "Login failed for user 'sa'.");
  CHECK(fx.sql.login(LoginRequest{"nobody", "x", "", "", ""}).error.text == "Login failed for user 'nobody'.");
  LoginResult db = fx.sql.login(LoginRequest{"sa", kDefaultSaPassword, "nosuch", "", ""});
  CHECK(db.error.number == 4060);
  CHECK(db.error.severity == 11);
  CHECK(db.error.text == "Cannot open database \"nosuch\" requested by the login. The login failed.");
  CHECK(fx.sql.login(LoginRequest{"old", "0ld!Passw0rd", "", "", ""}).error.number == 18470);
  CHECK(fx.mi.login(LoginRequest{"sa", kDefaultSaPassword, "", "", ""}).ok);
}

TEST_CASE("identity comes from the server state", "[engine]") {
  Scenario s = default_scenario();
  s.managed_instance.collation = "Latin1_General_CS_AS";
  Fixture fx(s);
  ServerIdentity id = fx.sql.identity();
  CHECK(id.name == "sqlbox1");
  CHECK(id.major == 15);
  CHECK(id.minor == 0);
  CHECK(id.build == 4312);
  CHECK(id.lcid == 0x0409);
  CHECK(id.collation_flags == 0xD0);
  CHECK(id.sort_id == 52);
  ServerIdentity mi = fx.mi.identity();
  CHECK(mi.name == "mi1");
  CHECK(mi.major == 12);
  CHECK(mi.build == 2000);
  CHECK(mi.collation_flags == 0xC0);
  CHECK(mi.sort_id == 0);
}

TEST_CASE("describe returns a SELECT's columns without running anything", "[engine]") {
  Fixture fx;
  auto cols = fx.sql.describe(fx.sql_session, "SELECT name, certificate_id, thumbprint FROM sys.certificates WHERE name = @P1",
                              {{"@P1", SqlValue::nvarchar("x"), false}});
  REQUIRE(cols);
  REQUIRE(cols->size() == 3);
  CHECK((*cols)[0].name == "name");
  CHECK((*cols)[1].type == SqlType::Int);
  CHECK((*cols)[2].type == SqlType::VarBinary);
  auto decl = fx.sql.describe(fx.sql_session, "DECLARE @n sysname = N'x'; SELECT @n AS n, SERVERPROPERTY('EngineEdition') AS e", {});
  REQUIRE(decl);
  CHECK((*decl)[0].size == 128);
  CHECK((*decl)[1].type == SqlType::Int);
  CHECK_FALSE(fx.sql.describe(fx.sql_session, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'", {}));
  CHECK_FALSE(fx.world.sql_server.master().master_key.has_value());
  CHECK_FALSE(fx.sql.describe(fx.sql_session, "SELECT * FROM sys.nosuch", {}));
  CHECK_FALSE(fx.sql.describe(fx.sql_session, "SELECT FROM", {}));
  auto dbcc = fx.sql.describe(fx.sql_session, "DBCC TRACESTATUS(-1)", {});
  REQUIRE(dbcc);
  CHECK(dbcc->size() == 4);
  auto cert = fx.mi.describe(fx.mi_session, "EXEC sp_get_endpoint_certificate @endpoint_type = 4", {});
  REQUIRE(cert);
  CHECK((*cert)[0].name == "EndpointCertificatePublicKey");
  auto use = fx.sql.describe(fx.sql_session, "USE sales; SELECT DB_NAME() AS d", {});
  REQUIRE(use);
  CHECK(fx.sql_session.database == "master");
  CHECK(fx.world.statement_log(Personality::SqlServer).empty());
}

TEST_CASE("transactions: BEGIN / COMMIT / ROLLBACK, 3902 and 3903", "[engine]") {
  Fixture fx;
  CHECK(fx.sql.transaction(fx.sql_session, TransactionRequest::Begin).items.empty());
  CHECK(fx.sql_session.transaction != 0);
  CHECK(scalar(fx.ok("SELECT @@TRANCOUNT")).as_int64() == 1);
  CHECK_FALSE(fx.sql.transaction(fx.sql_session, TransactionRequest::Commit).has_error());
  CHECK(fx.sql_session.transaction == 0);
  CHECK(fx.sql.transaction(fx.sql_session, TransactionRequest::Commit).first_error()->number == 3902);
  CHECK(fx.sql.transaction(fx.sql_session, TransactionRequest::Rollback).first_error()->number == 3903);
  CHECK(single_error(fx.run("COMMIT")).number == 3902);
  CHECK(single_error(fx.run("ROLLBACK TRANSACTION")).text == "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.");
  fx.ok("BEGIN TRAN");
  CHECK(scalar(fx.ok("SELECT @@TRANCOUNT")).as_int64() == 1);
  fx.ok("ROLLBACK");
  CHECK(scalar(fx.ok("SELECT @@TRANCOUNT")).as_int64() == 0);
  fx.ok("SET NOCOUNT ON");
  Response r = fx.ok("SELECT 1");
  bool counted = std::any_of(r.items.begin(), r.items.end(), [](const ResponseItem& i) { return std::holds_alternative<RowCount>(i); });
  CHECK_FALSE(counted);
  fx.sql.disconnect(fx.sql_session);
  Response again = fx.ok("SELECT 1");
  CHECK(std::any_of(again.items.begin(), again.items.end(), [](const ResponseItem& i) { return std::holds_alternative<RowCount>(i); }));
}

TEST_CASE("execute_procedure: an RPC by name, logged once", "[engine]") {
  Fixture fx;
  Response r = fx.mi.execute_procedure(fx.mi_session, "sp_get_endpoint_certificate", {{"@endpoint_type", SqlValue::integer(4), false}});
  INFO(describe(r));
  REQUIRE_FALSE(r.has_error());
  CHECK(only_set(r).rows.at(0).at(0).as_bytes() == fx.world.managed_instance.endpoint_certificate->x509.der);
  Response bad = fx.sql.execute_procedure(fx.sql_session, "sp_nosuch", {});
  CHECK(single_error(bad).number == 2812);
  auto log = fx.world.statement_log(Personality::ManagedInstance);
  REQUIRE(log.size() == 1);
  CHECK(log[0].text == "EXEC sp_get_endpoint_certificate @endpoint_type = 4");
  CHECK(log[0].spid == 61);
  auto sql_log = fx.world.statement_log(Personality::SqlServer);
  REQUIRE(sql_log.size() == 1);
  CHECK_FALSE(sql_log[0].ok);
  CHECK(sql_log[0].error_number == 2812);
}

TEST_CASE("the statement log: once per statement, failed batches once, outcomes recorded", "[engine]") {
  Fixture fx;
  fx.run("SELECT 1; SELECT 2\nDROP CERTIFICATE nosuch");
  fx.run("SELECT FROM");
  fx.run("USE sales; SELECT DB_NAME()");
  auto log = fx.world.statement_log(Personality::SqlServer);
  REQUIRE(log.size() == 6);
  CHECK(log[0].text == "SELECT 1");
  CHECK(log[1].text == "SELECT 2");
  CHECK(log[2].text == "DROP CERTIFICATE nosuch");
  CHECK_FALSE(log[2].ok);
  CHECK(log[2].error_number == 15151);
  CHECK(log[3].text == "SELECT FROM");
  CHECK(log[3].error_number == 156);
  CHECK(log[4].database == "master");
  CHECK(log[5].database == "sales");
  for (std::size_t i = 1; i < log.size(); ++i) CHECK(log[i].sequence == log[i - 1].sequence + 1);
  auto json = fx.world.sql_server.statement_log.to_json();
  CHECK(json.as_array().size() == 6);
}

TEST_CASE("scenario init_sql runs once when the engine starts, a failing batch is an error", "[engine]") {
  Scenario s = default_scenario();
  s.sql_server.init_sql = {"CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'",
                           "CREATE CERTIFICATE old_cert WITH SUBJECT = 'existing'; CREATE ENDPOINT Hadr_endpoint STATE = STARTED "
                           "AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = WINDOWS NEGOTIATE, "
                           "ENCRYPTION = REQUIRED ALGORITHM RC4)"};
  Fixture fx(s);
  CHECK(fx.world.sql_server.endpoints.size() == 1);
  CHECK(fx.world.sql_server.master().certificates.size() == 1);
  SqlEngine second(fx.world, Personality::SqlServer);  // does not run them again
  CHECK(fx.world.sql_server.master().certificates.size() == 1);

  Scenario bad = default_scenario();
  bad.managed_instance.init_sql = {"DROP CERTIFICATE nosuch"};
  EmulatorWorld world(bad);
  CHECK_THROWS_WITH(SqlEngine(world, Personality::ManagedInstance), Catch::Contains("Msg 15151"));
}

TEST_CASE("8 threads at once keep the state consistent", "[engine][concurrency]") {
  Fixture fx;
  fx.ok("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'");
  constexpr int kThreads = 8, kRounds = 3;
  std::atomic<int> failures{0}, master_keys{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Session s;
      s.spid = 100 + t;
      s.login = "sa";
      s.database = "master";
      SqlEngine& engine = fx.sql;
      for (int i = 0; i < kRounds; ++i) {
        std::string name = "cert_" + std::to_string(t) + "_" + std::to_string(i);
        Response r = engine.execute(s,
                                    "IF NOT EXISTS (SELECT * FROM sys.certificates WHERE name = N'" + name + "')\n"
                                    "  CREATE CERTIFICATE [" + name + "] WITH SUBJECT = '" + name + "'\n"
                                    "IF NOT EXISTS (SELECT * FROM sys.certificates WHERE name = N'shared')\n"
                                    "  CREATE CERTIFICATE [shared] WITH SUBJECT = 'shared'\n"
                                    "SELECT COUNT(*) FROM sys.certificates",
                                    {});
        if (r.has_error()) ++failures;
        Response mk = engine.execute(s, "USE sales; IF NOT EXISTS (SELECT * FROM sys.symmetric_keys) "
                                        "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'; USE master", {});
        if (!mk.has_error()) ++master_keys;
        Response mi = fx.mi.execute(s, "SELECT @@SERVERNAME", {});
        if (mi.has_error()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(master_keys == kThreads * kRounds);
  auto lock = fx.world.lock();
  const auto& certs = fx.world.sql_server.master().certificates;
  CHECK(certs.size() == static_cast<std::size_t>(kThreads * kRounds + 1));
  std::set<int> ids;
  std::set<std::string> names;
  for (const auto& c : certs) {
    ids.insert(c.certificate_id);
    names.insert(c.name);
  }
  CHECK(ids.size() == certs.size());
  CHECK(names.count("shared") == 1);
  CHECK(fx.world.sql_server.find_database("sales")->master_key.has_value());
  auto creates = std::count_if(fx.world.sql_server.statement_log.entries().begin(), fx.world.sql_server.statement_log.entries().end(),
                               [](const StatementLogEntry& e) { return e.text.rfind("CREATE CERTIFICATE", 0) == 0; });
  CHECK(creates == kThreads * kRounds + 1);
}
