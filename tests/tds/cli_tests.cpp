// tsql (freetds-bin) and isql (unixodbc) against the emulator's TDS layer.
#include "tds_fixture.hpp"

#include <catch2/catch.hpp>

using namespace tdstest;

namespace {
bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }
}  // namespace

TEST_CASE("tsql reads every value kind of a result set", "[tds][tsql]") {
  TestServer ts;
  auto r = run_tsql(ts.port(), ScriptedEngine::kPassword, "SELECT types\ngo\nSELECT 2 sets\ngo\nexit\n");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "9007199254740993"));
  CHECK(contains(r.out, "béta ü €"));
  CHECK(contains(r.out, "alpha"));
  CHECK(contains(r.out, "Feb 29 2024 01:45PM"));
  CHECK(contains(r.out, "(3 rows affected)"));
  CHECK(contains(r.out, "(2 rows affected)"));  // the second set of "SELECT 2 sets"
  CHECK(ts.engine.logins == 1);
  CHECK(ts.engine.last_login_app == "TSQL");
  CHECK(ts.engine.executes == 2);
}

TEST_CASE("tsql sees server errors with their number and text", "[tds][tsql]") {
  TestServer ts;
  auto r = run_tsql(ts.port(), ScriptedEngine::kPassword, "FAIL\ngo\nSELECT 5\ngo\nexit\n");
  INFO(r.out << r.err);
  CHECK(contains(r.out + r.err, "15151"));
  CHECK(contains(r.out + r.err, "Cannot find the login 'ghost'"));
  CHECK(contains(r.out, "5"));  // the connection is usable after the error
  CHECK(ts.engine.executes == 2);
}

TEST_CASE("tsql with a wrong password gets login failed 18456", "[tds][tsql]") {
  TestServer ts;
  auto r = run_tsql(ts.port(), "wrong", "SELECT 1\ngo\nexit\n");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out + r.err, "Login failed for user 'sa'"));
  CHECK(ts.engine.failed_logins == 1);
  CHECK(ts.engine.executes == 0);
}

TEST_CASE("tsql over TLS: encryption = require against On and Required servers", "[tds][tsql][tls]") {
  auto mode = GENERATE(Encryption::On, Encryption::Required, Encryption::Off);
  TestServer ts(mode);
  auto r = run_tsql(ts.port(), ScriptedEngine::kPassword, "SELECT types\ngo\nexit\n", "  encryption = require\n");
  INFO(encryption_name(mode) << "\n" << r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "béta ü €"));
  CHECK(contains(r.out, "(3 rows affected)"));
}

TEST_CASE("tsql with login-only encryption (server Off, client request)", "[tds][tsql][tls]") {
  TestServer ts(Encryption::Off);
  auto r = run_tsql(ts.port(), ScriptedEngine::kPassword, "SELECT types\ngo\nSELECT 77\ngo\nexit\n",
                    "  encryption = request\n");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "9007199254740993"));
  CHECK(contains(r.out, "77"));
  CHECK(ts.engine.last_login_password == ScriptedEngine::kPassword);
}

TEST_CASE("tsql requiring encryption fails against a server without it", "[tds][tsql][tls]") {
  TestServer ts(Encryption::NotSupported);
  auto r = run_tsql(ts.port(), ScriptedEngine::kPassword, "SELECT 1\ngo\nexit\n", "  encryption = require\n");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(ts.engine.logins == 0);
}

TEST_CASE("tsql with TDS 7.1 and 7.3 gets down-level types", "[tds][tsql]") {
  auto version = GENERATE(std::string("7.1"), std::string("7.2"), std::string("7.3"));
  TestServer ts;
  auto r = run_tsql(ts.port(), ScriptedEngine::kPassword, "SELECT types\ngo\nFAIL\ngo\nexit\n", "",
                    {{"TDSVER", version}});
  INFO(version << "\n" << r.out << r.err);
  CHECK(contains(r.out, "9007199254740993"));
  CHECK(contains(r.out, "béta ü €"));
  CHECK(contains(r.out, "000102ff"));  // varbinary(max) as IMAGE before 7.2
  // datetime2 is a date for 7.3 clients and NVARCHAR text before.
  if (version == "7.3")
    CHECK(contains(r.out, "Feb 29 2024 01:45PM"));
  else
    CHECK(contains(r.out, "2024-02-29 13:45:30.1234567"));
  CHECK(contains(r.out, "(3 rows affected)"));
  CHECK(contains(r.out + r.err, "15151"));
  CHECK(ts.engine.last_execute("FAIL").text.rfind("FAIL", 0) == 0);
}

TEST_CASE("isql -k runs batches through the FreeTDS ODBC driver", "[tds][isql]") {
  TestServer ts;
  auto r = run_isql(odbc_string(ts.port()), "SELECT 2 sets\nSELECT types\nINSERT rows\n");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "9007199254740993"));
  CHECK(contains(r.out, "béta ü €"));
  CHECK(contains(r.out, "SQLRowCount returns 3"));
  CHECK(ts.engine.logins == 1);
}

TEST_CASE("isql reports engine errors and failed logins", "[tds][isql]") {
  TestServer ts;
  auto bad = run_isql(odbc_string(ts.port(), "nope"), "SELECT 1\n");
  INFO(bad.out << bad.err);
  CHECK(bad.exit_code != 0);
  CHECK(contains(bad.out + bad.err, "Login failed for user 'sa'."));
  auto r = run_isql(odbc_string(ts.port()), "FAIL\n");
  INFO(r.out << r.err);
  CHECK(contains(r.out + r.err, "Cannot find the login 'ghost'"));
  CHECK(ts.engine.last_execute("FAIL").text == "FAIL");
}
