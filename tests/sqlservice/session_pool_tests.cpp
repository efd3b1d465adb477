// Session reuse (sql/sql_service.hpp): sessions a step execution gives back
// are reset and reused by the next one, through the real ODBC stack
// (POCO/unixODBC/FreeTDS) against the emulator's own SQL engine, behind a
// TcpProxy that can cut connections. Logins are counted by the TDS server.
#include "plugin_host/registry.hpp"
#include "run/runner.hpp"
#include "sql/session_reset.hpp"
#include "sql/sql_engine.hpp"
#include "sql/sql_service.hpp"
#include "state/scenario.hpp"
#include "state/world.hpp"
#include "tcp_proxy.hpp"
#include "tds/tds_server.hpp"

#include <test_support.hpp>

#include "in_process_run.hpp"

#include <catch2/catch.hpp>

#include <sql.h>
#include <sqlext.h>

#include <memory>
#include <stdexcept>
#include <string>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::SqlError;
using milink::sdk::SqlResult;
using milink::sdk::SqlValue;
using milink::sdk::Value;
using milink::sql::OdbcSqlSession;
using milink::sql::SqlService;
namespace emu = milink::emulator;
namespace run = milink::run;

namespace {

/// The emulator's SQL Server (its SQL engine, default scenario) behind a
/// proxy.
struct RealEmulator {
  emu::EmulatorWorld world;
  emu::SqlEngine engine{world, emu::Personality::SqlServer};
  emu::TdsServer server{engine, options()};
  std::unique_ptr<sqltest::TcpProxy> proxy;

  RealEmulator() {
    server.start();
    proxy = std::make_unique<sqltest::TcpProxy>(server.port());
  }

  static emu::TdsServerOptions options() {
    emu::TdsServerOptions o;
    o.encryption = emu::Encryption::NotSupported;
    return o;
  }

  static Object target(std::uint16_t port) {
    return Object{{"host", Value("127.0.0.1")},        {"port", Value(static_cast<int>(port))},
                  {"user", Value("sa")},                {"password", Value(emu::kDefaultSaPassword)},
                  {"encryption", Value("off")},         {"timeout_seconds", Value(10)}};
  }
  Object config() const {
    return Object{{"milink_config", Value(1)}, {"sqlserver", Value(target(proxy->port()))}};
  }
  std::uint64_t logins() const { return server.stats().connections_accepted; }
};

std::unique_ptr<OdbcSqlSession> open(const SqlService& svc, bool read_only = false) {
  std::string error;
  auto s = svc.open("sqlserver", read_only, {}, error);
  INFO(error);
  REQUIRE(s != nullptr);
  return s;
}

SqlResult run_ok(OdbcSqlSession& s, const std::string& sql, bool idempotent = false) {
  SqlResult out;
  SqlError err;
  bool ok = s.execute(sql, {}, idempotent, out, err);
  INFO(sql << ": SQL error " << err.number << " [" << err.sqlstate << "] " << err.message);
  REQUIRE(ok);
  return out;
}

std::string scalar(OdbcSqlSession& s, const std::string& sql) {
  SqlResult r = run_ok(s, sql, true);
  REQUIRE(!r.sets.empty());
  REQUIRE(!r.sets.back().rows.empty());
  return r.sets.back().rows[0].at(0).to_display();
}

}  // namespace

TEST_CASE("the reset batch names the login's database quoted, never as raw text", "[sqlpool]") {
  CHECK(milink::sql::session_reset_batch("odd]name") ==
        "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION; USE [odd]]name]; " + milink::sql::session_state_query());
  CHECK_THROWS_AS(milink::sql::session_reset_batch(""), std::invalid_argument);
}

TEST_CASE("the FreeTDS driver cannot ask for RESETCONNECTION, so milink resets with a batch", "[sqlpool]") {
  // If this fails, the driver learnt SQL_COPT_SS_RESET_CONNECTION (1246) or
  // ODBC 3.8's SQL_ATTR_RESET_CONNECTION (116): switch session_reset.hpp to it.
  RealEmulator e;
  SQLHENV env = SQL_NULL_HENV;
  SQLHDBC dbc = SQL_NULL_HDBC;
  REQUIRE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env)));
  SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3_80), 0);
  REQUIRE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc)));
  std::string cs = "Driver=FreeTDS;Server=127.0.0.1;Port=" + std::to_string(e.server.port()) +
                   ";TDS_Version=7.4;UID=sa;PWD={" + emu::kDefaultSaPassword + "};Encryption=off";
  SQLRETURN rc = SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(cs.data()), SQL_NTS, nullptr, 0, nullptr,
                                  SQL_DRIVER_NOPROMPT);
  REQUIRE(SQL_SUCCEEDED(rc));
  for (SQLINTEGER attribute : {SQLINTEGER{1246}, SQLINTEGER{SQL_ATTR_RESET_CONNECTION}}) {
    INFO("attribute " << attribute);
    rc = SQLSetConnectAttr(dbc, attribute, reinterpret_cast<SQLPOINTER>(SQL_RESET_CONNECTION_YES), SQL_IS_UINTEGER);
    CHECK_FALSE(SQL_SUCCEEDED(rc));
  }
  SQLDisconnect(dbc);
  SQLFreeHandle(SQL_HANDLE_DBC, dbc);
  SQLFreeHandle(SQL_HANDLE_ENV, env);
}

TEST_CASE("a session given back is reused by the next step execution, without a new login", "[sqlpool]") {
  RealEmulator e;
  SqlService svc(Value(e.config()));
  auto first = open(svc);
  CHECK(scalar(*first, "SELECT DB_NAME()") == "master");
  svc.release(std::move(first), /*reusable=*/true);
  CHECK(svc.idle("sqlserver", false) == 1);

  auto second = open(svc);
  CHECK(svc.idle("sqlserver", false) == 0);
  CHECK(scalar(*second, "SELECT 1") == "1");
  CHECK(second->connects() == 1);
  CHECK(e.logins() == 1);

  // A read-only (dry-run) session is another pool.
  auto read_only = open(svc, /*read_only=*/true);
  CHECK(read_only->read_only());
  CHECK(e.logins() == 2);

  // Given back by a failed step execution: closed.
  svc.release(std::move(second), /*reusable=*/false);
  CHECK(svc.idle("sqlserver", false) == 0);
  svc.release(std::move(read_only), true);
  CHECK(svc.idle("sqlserver", true) == 1);
}

TEST_CASE("at most max_idle sessions wait, the rest are closed, and all close with the service", "[sqlpool]") {
  RealEmulator e;
  {
    SqlService svc(Value(e.config()), "", /*max_idle=*/2);
    auto a = open(svc);
    auto b = open(svc);
    auto c = open(svc);
    CHECK(e.logins() == 3);
    svc.release(std::move(a), true);
    svc.release(std::move(b), true);
    svc.release(std::move(c), true);
    CHECK(svc.idle("sqlserver", false) == 2);
    CHECK(testsupport::eventually([&] { return e.server.stats().connections_active == 2; }, 5000));
  }
  CHECK(testsupport::eventually([&] { return e.server.stats().connections_active == 0; }, 5000));
}

TEST_CASE("isolation: what a step left in its session does not reach the next step", "[sqlpool]") {
  RealEmulator e;
  SqlService svc(Value(e.config()));
  auto first = open(svc);
  const std::string options = scalar(*first, "SELECT @@OPTIONS");

  SECTION("an open transaction is rolled back") {
    run_ok(*first, "BEGIN TRANSACTION");
    CHECK(scalar(*first, "SELECT @@TRANCOUNT") == "1");
    svc.release(std::move(first), true);
    auto next = open(svc);
    CHECK(e.logins() == 1);  // the same connection
    CHECK(scalar(*next, "SELECT @@TRANCOUNT") == "0");
  }
  SECTION("a USE is undone: the next step starts in the login's database") {
    run_ok(*first, "USE [sales]");
    CHECK(scalar(*first, "SELECT DB_NAME()") == "sales");
    svc.release(std::move(first), true);
    auto next = open(svc);
    CHECK(e.logins() == 1);
    CHECK(scalar(*next, "SELECT DB_NAME()") == "master");
  }
  SECTION("a SET option the reset cannot undo closes the session") {
    run_ok(*first, "SET XACT_ABORT ON");
    CHECK(scalar(*first, "SELECT @@OPTIONS") != options);
    svc.release(std::move(first), true);
    CHECK(svc.idle("sqlserver", false) == 0);
    auto next = open(svc);
    CHECK(e.logins() == 2);  // a new login
    CHECK(scalar(*next, "SELECT @@OPTIONS") == options);
  }
  SECTION("every change at once: transaction, database and SET NOCOUNT") {
    run_ok(*first, "USE [hr]; BEGIN TRANSACTION; SET NOCOUNT ON");
    svc.release(std::move(first), true);
    auto next = open(svc);
    CHECK(scalar(*next, "SELECT @@TRANCOUNT") == "0");
    CHECK(scalar(*next, "SELECT DB_NAME()") == "master");
    CHECK(scalar(*next, "SELECT @@OPTIONS") == options);
  }
  // The server saw the reset: back to the database the session logged in to.
  auto lock = e.world.lock();
  bool reset_seen = false;
  for (const auto& entry : e.world.sql_server.statement_log.entries())
    reset_seen |= entry.text.find("USE [master]") != std::string::npos;
  CHECK(reset_seen);
}

TEST_CASE("a pooled session whose connection the server closed is replaced before the step sends anything",
          "[sqlpool]") {
  RealEmulator e;
  SqlService svc(Value(e.config()));
  auto first = open(svc);
  run_ok(*first, "SELECT 1");
  svc.release(std::move(first), true);
  REQUIRE(svc.idle("sqlserver", false) == 1);

  e.proxy->kill_all();
  REQUIRE(testsupport::eventually([&] { return e.server.stats().connections_active == 0; }, 5000));

  auto next = open(svc);
  // Not idempotent: on the dead connection it would fail with "did not
  // repeat" (the reconnect policy repeats only idempotent statements).
  SqlResult r = run_ok(*next, "SELECT 42 AS answer", /*idempotent=*/false);
  CHECK(r.sets.at(0).rows.at(0).at(0) == SqlValue::integer(42));
  CHECK(next->connects() == 1);  // a new session, not a reconnect of the old one
  CHECK(e.logins() == 2);
}

TEST_CASE("a workflow logs in once per target and concurrent branch, not once per step", "[sqlpool][runner]") {
  RealEmulator e;
  testsupport::TempDir dir;
  milink::host::Registry registry;
  registry.load_directory(MILINK_SQLTEST_PLUGIN_DIR);
  auto step = [](const std::string& id, const std::string& sql) {
    return Value(Object{{"id", Value(id)}, {"uses", Value("sqltest.run")}, {"with", Value(Object{{"observe_sql", Value(sql)}})}});
  };
  // Steps leave state behind for the next one to (not) see.
  Array steps{step("one", "USE [sales]; SELECT DB_NAME()"), step("two", "BEGIN TRANSACTION; SELECT DB_NAME()"),
              step("three", "SELECT DB_NAME()"), step("four", "SELECT @@TRANCOUNT")};
  Object group{{"id", Value("each")},
               {"for_each", Value(Array{Value("a"), Value("b"), Value("c"), Value("d")})},
               {"max_parallel", Value(2)},
               {"steps", Value(Array{step("x", "SELECT DB_NAME()"), step("y", "SELECT DB_NAME()")})}};
  steps.push_back(Value(group));
  Object workflow{{"milink", Value(1)}, {"name", Value("pooled")}, {"steps", Value(steps)}};

  testsupport::CapturingSink sink;
  run::RunResult res = testsupport::run_in_process(registry, workflow, e.config(), dir.path(), run::Mode::Apply, sink);
  INFO(sink.all);
  CHECK(res.result == "succeeded");
  int executions = 0;
  for (const auto& s : res.steps) {
    if (s.uses != "sqltest.run") continue;
    ++executions;
    CHECK(s.status == "ok");
    // Each step starts in master and without a transaction, whatever the one before did.
    const std::string first = s.outputs.find("first")->as_string();
    if (s.id == "one") CHECK(first == "sales");
    else if (s.id == "four") CHECK(first == "0");
    else CHECK(first == "master");
  }
  CHECK(executions == 12);  // 4 steps + 4 items x 2 steps
  // 12 step executions on one target, at most 2 branches at once.
  CHECK(e.logins() >= 1);
  CHECK(e.logins() <= 2);
  // Closed at the end of the run.
  CHECK(testsupport::eventually([&] { return e.server.stats().connections_active == 0; }, 5000));
  // The password appears nowhere: not in events, not in the journal.
  CHECK(sink.all.find(emu::kDefaultSaPassword) == std::string::npos);
  CHECK(testsupport::read_tree(dir.path()).find(emu::kDefaultSaPassword) == std::string::npos);
}
