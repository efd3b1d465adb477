// sql/mi faults: through SqlEngine (error at @N then normal, latency without
// the world mutex, reset) and through the TDS server (TdsServerOptions::faults,
// and a reset thrown by the engine), each request counted once.
#include "link_fixture.hpp"

#include "faults/sql_faults.hpp"
#include "tds/tds_server.hpp"
#include "tds_fixture.hpp"

#include <Poco/Net/SocketAddress.h>

#include <thread>

using namespace linktest;
namespace raw = tdstest::raw;

namespace {

const std::string kDeadlock =
    "Transaction (Process ID 51) was deadlocked on lock resources with another process and has been chosen as the "
    "deadlock victim. Rerun the transaction.";

struct Engines {
  explicit Engines(FaultPlan* plan)
      : world(fresh_world()), sql(world, Personality::SqlServer, plan), mi(world, Personality::ManagedInstance) {
    s.spid = 51;
    s.login = "sa";
    s.database = "master";
    m.spid = 61;
    m.login = "sa";
    m.database = "master";
  }
  EmulatorWorld& world;
  SqlEngine sql;
  SqlEngine mi;
  Session s, m;
};

Poco::Net::StreamSocket login(std::uint16_t port) {
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
  auto pre = raw::packet(0x12, raw::prelogin(2));
  s.sendBytes(pre.data(), static_cast<int>(pre.size()));
  REQUIRE(raw::read_reply(s).eom);
  auto l = raw::packet(0x10, raw::login7("sa", kDefaultSaPassword));
  s.sendBytes(l.data(), static_cast<int>(l.size()));
  raw::Reply r = raw::read_reply(s);
  REQUIRE(r.eom);
  REQUIRE(std::find(r.payload.begin(), r.payload.end(), 0xAD) != r.payload.end());  // LOGINACK
  return s;
}

raw::Reply batch(Poco::Net::StreamSocket& s, const std::string& sql) {
  raw::Bytes payload = raw::all_headers();
  raw::Bytes text = raw::ucs2(sql);
  payload.insert(payload.end(), text.begin(), text.end());
  auto p = raw::packet(0x01, payload);
  s.sendBytes(p.data(), static_cast<int>(p.size()));
  return raw::read_reply(s);
}

}  // namespace

TEST_CASE("injected errors carry SQL Server's numbers, severities and texts", "[faults]") {
  Message m = injected_sql_error(1205, 77, "sqlbox1", "sales");
  CHECK(m.severity == 13);
  CHECK(m.text.find("Process ID 77") != std::string::npos);
  CHECK(injected_sql_error(1222, 1, "s", "d").text == "Lock request time out period exceeded.");
  CHECK(injected_sql_error(40501, 1, "s", "d").severity == 20);
  CHECK(injected_sql_error(40197, 1, "s", "d").text ==
        "The service has encountered an error processing your request. Please try again. Error code 4221.");
  Message other = injected_sql_error(50123, 1, "s", "d");
  CHECK(other.severity == 16);
  CHECK(other.text == "The emulator injected error 50123 (fault plan).");
}

TEST_CASE("sql and mi faults through SqlEngine", "[faults]") {
  SECTION("sql:1205@2 fails the second batch once with the deadlock error, and it runs nothing") {
    FaultPlan plan("sql:1205@2");
    Engines e(&plan);
    CHECK_FALSE(e.sql.execute(e.s, "SELECT 1", {}).has_error());
    Response r = e.sql.execute(e.s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'", {});
    CHECK(r.failed);
    auto errs = errors(r);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].number == 1205);
    CHECK(errs[0].severity == 13);
    CHECK(errs[0].text == kDeadlock);
    CHECK(r.items.size() == 1);
    // Nothing ran: the master key can be created now, and the third request is normal.
    CHECK_FALSE(e.sql.execute(e.s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'", {}).has_error());
    CHECK_FALSE(e.sql.execute(e.s, "SELECT 1", {}).has_error());
    CHECK(plan.requests(Service::Sql) == 4);
    // The managed instance's engine has no plan: nothing counted for mi.
    CHECK_FALSE(e.mi.execute(e.m, "SELECT 1", {}).has_error());
    CHECK(plan.requests(Service::Mi) == 0);
  }

  SECTION("mi faults hit the managed instance's engine, procedure calls count as requests") {
    FaultPlan plan("mi:40613@2,sql:1205");
    Engines e(nullptr);
    e.mi.set_fault_plan(&plan);
    CHECK_FALSE(
        e.mi.execute_procedure(e.m, "sp_get_endpoint_certificate", {Param{"@endpoint_type", SqlValue::integer(4)}})
            .has_error());
    Response r = e.mi.execute(e.m, "SELECT 1", {});
    auto errs = errors(r);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].number == 40613);
    CHECK(errs[0].severity == 17);
    const std::string prefix =
        "Database 'master' on server 'mi1' is not currently available.  Please retry the connection later.  If the "
        "problem persists, contact customer support, and provide them the session tracing ID of '";
    CHECK(errs[0].text.rfind(prefix, 0) == 0);
    CHECK(errs[0].text.size() == prefix.size() + 36 + 2);
    CHECK_FALSE(e.mi.execute(e.m, "SELECT 1", {}).has_error());
    CHECK(plan.requests(Service::Mi) == 3);
    CHECK(plan.requests(Service::Sql) == 0);  // the sql rule is not the managed instance's
    e.mi.set_fault_plan(nullptr);
    CHECK_FALSE(e.mi.execute(e.m, "SELECT 1", {}).has_error());
    CHECK(plan.requests(Service::Mi) == 3);
  }

  SECTION("latency sleeps without holding the world mutex") {
    FaultPlan plan("sql:latency=400@1");
    Engines e(&plan);
    auto start = Clock::now();
    std::thread slow([&] { CHECK_FALSE(e.sql.execute(e.s, "SELECT 1", {}).has_error()); });
    std::this_thread::sleep_for(milliseconds(50));
    auto mi_start = Clock::now();
    CHECK_FALSE(e.mi.execute(e.m, "SELECT 1", {}).has_error());  // not blocked by the sleeping batch
    CHECK(Clock::now() - mi_start < milliseconds(300));
    slow.join();
    CHECK(Clock::now() - start >= milliseconds(400));
    auto again = Clock::now();
    CHECK_FALSE(e.sql.execute(e.s, "SELECT 1", {}).has_error());
    CHECK(Clock::now() - again < milliseconds(300));
  }

  SECTION("reset and drop make the engine throw InjectedConnectionReset") {
    FaultPlan plan("sql:reset@1,sql:drop@2");
    Engines e(&plan);
    CHECK_THROWS_AS(e.sql.execute(e.s, "SELECT 1", {}), InjectedConnectionReset);
    CHECK_THROWS_AS(e.sql.execute_procedure(e.s, "sp_get_endpoint_certificate", {}), InjectedConnectionReset);
    CHECK_FALSE(e.sql.execute(e.s, "SELECT 1", {}).has_error());
  }

  SECTION("an engine does not draw again for a request the TDS layer drew for") {
    FaultPlan plan("sql:1205");
    Engines e(&plan);
    {
      FaultsDrawnScope drawn;
      CHECK(FaultsDrawnScope::active());
      CHECK_FALSE(e.sql.execute(e.s, "SELECT 1", {}).has_error());
    }
    CHECK_FALSE(FaultsDrawnScope::active());
    CHECK(plan.requests(Service::Sql) == 0);
    CHECK(e.sql.execute(e.s, "SELECT 1", {}).has_error());
  }
}

TEST_CASE("sql and mi faults through the TDS server", "[faults][tds]") {
  SECTION("TDS: a reset fault closes the connection without an answer") {
    FaultPlan plan("sql:reset@2");
    EmulatorWorld& world = fresh_world();
    SqlEngine engine(world, Personality::SqlServer);
    TdsServerOptions o;
    o.faults = &plan;
    o.fault_service = Service::Sql;
    TdsServer server(engine, o);
    server.start();
    auto s = login(server.port());
    raw::Reply first = batch(s, "DECLARE @x int");
    CHECK(first.eom);
    CHECK(raw::message_numbers(first.payload).empty());
    raw::Reply second = batch(s, "DECLARE @y int");
    CHECK_FALSE(second.eom);
    CHECK(second.closed);
    CHECK(plan.requests(Service::Sql) == 2);
    // Other connections are served as usual.
    auto s2 = login(server.port());
    CHECK(batch(s2, "DECLARE @z int").eom);
    server.stop();
  }

  SECTION("TDS: an SQL error fault answers the request with that error") {
    FaultPlan plan("mi:1205@1");
    EmulatorWorld& world = fresh_world();
    SqlEngine engine(world, Personality::ManagedInstance);
    TdsServerOptions o;
    o.faults = &plan;
    o.fault_service = Service::Mi;
    TdsServer server(engine, o);
    server.start();
    auto s = login(server.port());
    raw::Reply r = batch(s, "DECLARE @x int");
    CHECK(r.eom);
    CHECK(raw::message_numbers(r.payload) == std::vector<int>{1205});
    raw::Reply again = batch(s, "DECLARE @x int");
    CHECK(raw::message_numbers(again.payload).empty());
    server.stop();
  }

  SECTION("TDS: a reset the engine draws closes the connection, a plan on both layers counts once") {
    SECTION("the engine's plan only") {
      FaultPlan plan("sql:reset@1");
      EmulatorWorld& world = fresh_world();
      SqlEngine engine(world, Personality::SqlServer, &plan);
      TdsServer server(engine, TdsServerOptions{});
      server.start();
      auto s = login(server.port());
      raw::Reply r = batch(s, "DECLARE @x int");
      CHECK_FALSE(r.eom);
      CHECK(r.closed);
      server.stop();
    }
    SECTION("the same plan on the TDS server and the engine") {
      FaultPlan plan("sql:1205@2");
      EmulatorWorld& world = fresh_world();
      SqlEngine engine(world, Personality::SqlServer, &plan);
      TdsServerOptions o;
      o.faults = &plan;
      TdsServer server(engine, o);
      server.start();
      auto s = login(server.port());
      CHECK(raw::message_numbers(batch(s, "DECLARE @a int").payload).empty());
      CHECK(raw::message_numbers(batch(s, "DECLARE @b int").payload) == std::vector<int>{1205});
      CHECK(raw::message_numbers(batch(s, "DECLARE @c int").payload).empty());
      CHECK(plan.requests(Service::Sql) == 3);
      server.stop();
    }
  }
}
