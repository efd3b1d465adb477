// Driver diagnostics -> SqlError: prefixes, POCO text, classification, and
// the connect-failure message.
#include "sql/connect_error.hpp"
#include "sql/sql_error.hpp"

#include <catch2/catch.hpp>

using namespace milink::sql;
using milink::sdk::SqlError;

TEST_CASE("driver prefixes are stripped, other brackets are kept") {
  CHECK(strip_driver_prefix("[FreeTDS][SQL Server]Login failed for user 'sa'.") == "Login failed for user 'sa'.");
  CHECK(strip_driver_prefix("[unixODBC][Driver Manager]Can't open lib 'X' : file not found") ==
        "Can't open lib 'X' : file not found");
  CHECK(strip_driver_prefix("[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Invalid object name 'x'.") ==
        "Invalid object name 'x'.");
  CHECK(strip_driver_prefix("[dbo].[t] is not a table\n") == "[dbo].[t] is not a table");
  CHECK(strip_driver_prefix("plain") == "plain");
}

TEST_CASE("POCO exception text yields its diagnostic records") {
  // As POCO 1.11 formats ConnectionFailedException (observed with FreeTDS).
  const std::string text =
      "Connection attempt failed: Connection:Not applicable\nServer:Not applicable\n"
      "===========================\nODBC Diagnostic record #1:\n===========================\n"
      "SQLSTATE = 42000\nNative Error Code = 18456\n[FreeTDS][SQL Server]Login failed for user 'milink'.\n\n"
      "===========================\nODBC Diagnostic record #2:\n===========================\n"
      "SQLSTATE = 08001\nNative Error Code = 0\n[FreeTDS][SQL Server]Unable to connect to data source\n\n";
  auto recs = parse_poco_diagnostics(text);
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].sqlstate == "42000");
  CHECK(recs[0].native == 18456);
  CHECK(recs[0].message == "[FreeTDS][SQL Server]Login failed for user 'milink'.");
  CHECK(recs[1].sqlstate == "08001");
  CHECK(recs[1].native == 0);

  SqlError e = make_error(recs, "");
  CHECK(e.number == 18456);
  CHECK(e.sqlstate == "42000");
  CHECK(e.message == "Login failed for user 'milink'.");
  CHECK(e.connection_lost);  // 08001 is among the records
  CHECK_FALSE(e.timed_out);

  // A statement error, as HandleException::toString shows it.
  const std::string stmt_text =
      "ODBC handle exception: SQLExecute()\nRequested SQL statement: EXEC x\nNative SQL statement: EXEC x\n"
      ": Connection:52\nServer:PROTO\n===========================\nODBC Diagnostic record #1:\n"
      "===========================\nSQLSTATE = 42000\nNative Error Code = 15151\n"
      "[FreeTDS][SQL Server]Cannot find the login 'x', because it does not exist or you do not have permission.\n\n";
  SqlError s = make_error(parse_poco_diagnostics(stmt_text), "");
  CHECK(s.number == 15151);
  CHECK(s.message.rfind("Cannot find the login 'x'", 0) == 0);
  CHECK_FALSE(s.connection_lost);
  CHECK(parse_poco_diagnostics("no records here").empty());
}

TEST_CASE("timeouts and lost connections are classified") {
  SqlError t = make_error({{"HYT00", 0, "[FreeTDS][SQL Server]Timeout expired"}}, "");
  CHECK(t.timed_out);
  CHECK_FALSE(t.connection_lost);
  CHECK(t.number == 0);
  CHECK(t.message == "Timeout expired");

  SqlError lost = make_error({{"08S01", 20006, "[FreeTDS][SQL Server]Write to the server failed"}}, "");
  CHECK(lost.connection_lost);
  CHECK(lost.number == 0);  // 20006 is FreeTDS's own message number, not a server error

  SqlError hy = make_error({{"HY000", 20004, "[FreeTDS][SQL Server]Read from the server failed"}}, "");
  CHECK(hy.connection_lost);
  SqlError asf = make_error({{"HY000", 0, "[FreeTDS][SQL Server]Adaptive Server connection failed"}}, "");
  CHECK(asf.connection_lost);

  SqlError syntax = make_error({{"42000", 102, "[FreeTDS][SQL Server]Incorrect syntax near 'x'."}}, "");
  CHECK_FALSE(syntax.connection_lost);
  CHECK_FALSE(syntax.timed_out);
  CHECK(syntax.number == 102);

  CHECK(indicates_connection_lost("08003", ""));
  CHECK_FALSE(indicates_connection_lost("42S02", "Invalid object name"));
}

TEST_CASE("informational records become messages, not errors") {
  std::vector<DiagRecord> recs = {{"01000", 0, "[FreeTDS][SQL Server]hello from PRINT"},
                                  {"01000", 5701, "[FreeTDS][SQL Server]Changed database context to 'x'."},
                                  {"42000", 2714, "[FreeTDS][SQL Server]There is already an object named 'c'."}};
  auto msgs = informational_messages(recs);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].number == 0);
  CHECK(msgs[0].text == "hello from PRINT");
  CHECK(msgs[1].number == 5701);
  SqlError e = make_error(recs, "");
  CHECK(e.number == 2714);
  CHECK(e.sqlstate == "42000");
}

TEST_CASE("further server errors are appended, no record uses the fallback") {
  SqlError e = make_error({{"42000", 3201, "[FreeTDS][SQL Server]Cannot open backup device 'x'."},
                           {"42000", 3013, "[FreeTDS][SQL Server]BACKUP DATABASE is terminating abnormally."}},
                          "");
  CHECK(e.number == 3201);
  CHECK(e.message.find("error 3013: BACKUP DATABASE is terminating abnormally.") != std::string::npos);

  SqlError f = make_error({}, "something odd");
  CHECK(f.message == "something odd");
  CHECK(f.number == 0);

  // unixODBC reports a missing driver library as 01000 only.
  SqlError lib = make_error({{"01000", 0, "[unixODBC][Driver Manager]Can't open lib 'NoSuch' : file not found"}}, "");
  CHECK(lib.message == "Can't open lib 'NoSuch' : file not found");
}

TEST_CASE("connect failures name target, address, driver, error and remedy") {
  TargetSettings t;
  t.target = "managed_instance";
  t.host = "mi.contoso.database.windows.net";
  t.port = 1433;
  t.user = "admin";
  t.password = "pw";

  SqlError login;
  login.number = 18456;
  login.sqlstate = "42000";
  login.message = "Login failed for user 'admin'.";
  std::string m = describe_connect_failure(t, login);
  CHECK(m.find("\"managed_instance\"") != std::string::npos);
  CHECK(m.find("mi.contoso.database.windows.net:1433") != std::string::npos);
  CHECK(m.find("driver FreeTDS") != std::string::npos);
  CHECK(m.find("SQL error 18456: Login failed for user 'admin'") != std::string::npos);
  CHECK(m.find("/managed_instance/password") != std::string::npos);
  CHECK(m.find("..") == std::string::npos);

  SqlError refused;
  refused.sqlstate = "08S01";
  refused.connection_lost = true;
  refused.message = "Unable to connect: Adaptive Server is unavailable or does not exist";
  CHECK(connect_remedy(t, refused).find("/managed_instance/port") != std::string::npos);

  SqlError nolib;
  nolib.sqlstate = "01000";
  nolib.message = "Can't open lib 'NoSuch' : file not found";
  CHECK(connect_remedy(t, nolib).find("tdsodbc") != std::string::npos);

  SqlError timeout;
  timeout.timed_out = true;
  timeout.message = "Login timeout expired";
  CHECK(connect_remedy(t, timeout).find("/managed_instance/timeout_seconds") != std::string::npos);

  SqlError db;
  db.number = 4060;
  db.message = "Cannot open database \"x\" requested by the login.";
  CHECK(connect_remedy(t, db).find("Database") != std::string::npos);
}

TEST_CASE("transient SQL errors: deadlocks, unavailability, lost connections and timeouts, never a login failure") {
  auto err = [](int number, bool lost = false, bool timed_out = false) {
    SqlError e;
    e.number = number;
    e.connection_lost = lost;
    e.timed_out = timed_out;
    return e;
  };
  for (int n : {1205, 40613, 40197, 40501, 49918, 49919, 49920, 10928, 10929, 4221, 233, 64, 10053, 10054, 10060}) {
    INFO(n);
    CHECK(is_transient(err(n)));
  }
  CHECK(is_transient(err(0, true)));
  CHECK_FALSE(is_transient(err(0, false, true)));   // a statement timeout ran too long
  CHECK_FALSE(is_transient(err(0, true, true)));
  CHECK_FALSE(is_transient(err(18456, true)));  // a login failure is the credentials
  CHECK_FALSE(is_transient(err(15151)));
  CHECK_FALSE(is_transient(err(102)));
  CHECK_FALSE(is_transient(err(0)));
  CHECK(transient_kind(err(1205)) == "deadlock victim (1205)");
  CHECK(transient_kind(err(40613)) == "database unavailable (40613)");
  CHECK(transient_kind(err(40501)) == "service busy (40501)");
  CHECK(transient_kind(err(10054, true)) == "connection lost (10054)");
  CHECK(transient_kind(err(4060, true)) == "error (4060)");
  CHECK(transient_kind(err(0, true)) == "connection lost");
  CHECK(transient_kind(err(0, true, true)) == "timeout");
}
