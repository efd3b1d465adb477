// The bundled workflow under transient faults on every service (ARM, Entra ID, SQL Server, the
// managed instance): at 10 % per service every run of a series of fault seeds succeeds; a SQL
// Server that drops 30 % of its connections for a while (some during a reconnect's login) is
// reconnected to and the run succeeds; a service that stays down fails the run with a message
// naming it and how long milink retried, and a re-run once it is back converges.
#include "link_rig.hpp"

#include <catch2/catch.hpp>

#include <string>

using linkrig::Rig;

namespace {

bool contains(const std::string& s, const std::string& x) { return s.find(x) != std::string::npos; }

std::string faults_at(const std::string& p, int seed) {
  return "seed=" + std::to_string(seed) + ",arm:503~" + p + ",entra:503~" + p + ",sql:1205~" + p + ",mi:40613~" + p;
}

/// SQL Server resets the connection on 30 % of its first 60 requests: the 1st, 2nd and 5th of
/// each ten, so that some land on the login of the reconnect after a reset (two in a row).
std::string sql_resets_for_a_while() {
  std::string spec;
  for (int n = 1; n <= 60; ++n)
    if (n % 10 == 1 || n % 10 == 2 || n % 10 == 5)
      spec += (spec.empty() ? "sql:reset@" : ",sql:reset@") + std::to_string(n);
  return spec;
}

void check_all_done(const std::string& out) {
  auto st = Rig::statuses(out);
  CHECK(st.size() == 9);
  for (const auto& [step, status] : st) {
    INFO(step);
    CHECK((status == "ok" || status == "changed"));
  }
}

}  // namespace

TEST_CASE("with 10% transient faults on every service, every run of the workflow succeeds", "[workflows][faults]") {
  for (int seed : {1, 2, 3}) {
    INFO("fault seed " << seed);
    Rig rig("{}", faults_at("0.1", seed));
    auto r = rig.run("replicate-database.json");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    check_all_done(r.out);
    // Faults did fire and were retried, visibly.
    using milink::emulator::Service;
    auto& f = rig.emulator.faults();
    CHECK(f.requests(Service::Sql) > 10);
    CHECK(f.requests(Service::Arm) > 3);
    CHECK(contains(r.out, "retrying in "));
  }
}

TEST_CASE("with 30% transient faults, a run either succeeds or names the failed service, a re-run converges",
          "[workflows][faults]") {
  for (int seed : {4, 5}) {
    INFO("fault seed " << seed);
    Rig rig("{}", faults_at("0.3", seed));
    auto r = rig.run("replicate-database.json");
    INFO(r.out << r.err);
    if (r.exit_code != 0) {
      const std::string all = r.out + r.err;
      CHECK((contains(all, "sqlserver unavailable: retried ") || contains(all, "managed_instance unavailable: retried ") ||
             contains(all, "Azure Resource Manager unavailable: retried ") ||
             contains(all, "is unavailable (HTTP 503; retried ")));
      rig.emulator.faults().set("");
      auto again = rig.run("replicate-database.json", {"--resume"});
      INFO(again.out << again.err);
      REQUIRE(again.exit_code == 0);
    }
    auto check = rig.run("replicate-database.json");
    REQUIRE(check.exit_code == 0);
    check_all_done(check.out);
  }
}

TEST_CASE("SQL Server dropping 30% of its connections for a while: milink reconnects, retries and succeeds",
          "[workflows][faults]") {
  Rig rig("{}", sql_resets_for_a_while());
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  check_all_done(r.out);
  CHECK(rig.emulator.faults().requests(milink::emulator::Service::Sql) > 60);
  // The resets were retried, visibly.
  CHECK(contains(r.out, "sqlserver: connection lost, a transient error; retrying in "));
}

TEST_CASE("a SQL Server that keeps dropping connections fails the run naming it and its retries, not the credentials",
          "[workflows][faults]") {
  Rig rig("{}", "sql:reset");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "Communication link failure (sqlserver unavailable: retried 9 times over "));
  CHECK(contains(r.out, "sqlserver: connection lost, a transient error; retrying in "));
  CHECK(contains(r.out, "(attempt 10 of 10)"));
  CHECK(contains(r.out, "the connection to the server kept breaking"));
  CHECK_FALSE(contains(r.out, "sysadmin login"));
  CHECK_FALSE(contains(r.out, "/sqlserver/password"));
  rig.emulator.faults().set("");
  auto again = rig.run("replicate-database.json", {"--resume"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  check_all_done(again.out);
}

TEST_CASE("a managed instance that stays unavailable fails the run naming it, a re-run converges",
          "[workflows][faults]") {
  Rig rig("{}", "mi:40613");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "is not currently available."));
  CHECK(contains(r.out, "(managed_instance unavailable: retried 5 times over "));
  rig.emulator.faults().set("");
  auto again = rig.run("replicate-database.json", {"--resume"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  check_all_done(again.out);
}

TEST_CASE("SQL Server deadlocks that do not clear fail the run naming SQL Server", "[workflows][faults]") {
  Rig rig("{}", "sql:1205");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "chosen as the deadlock victim"));
  CHECK(contains(r.out, "(sqlserver unavailable: retried 5 times over "));
  CHECK(contains(r.out, "sqlserver: deadlock victim (1205), a transient error; retrying in "));
}

TEST_CASE("an Entra ID that stays unavailable is not blamed on the credentials", "[workflows][faults]") {
  Rig rig("{}", "entra:503");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "is unavailable (HTTP 503; retried 5 times over "));
  CHECK(contains(r.out, "this is the service, not your credentials: run again later"));
  rig.emulator.faults().set("");
  auto again = rig.run("replicate-database.json", {"--resume"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
}

TEST_CASE("an ARM that stays unavailable fails the run naming Azure Resource Manager", "[workflows][faults]") {
  Rig rig("{}", "arm:503");
  auto r = rig.run("replicate-database.json");
  INFO(r.out << r.err);
  CHECK(r.exit_code != 0);
  CHECK(contains(r.out, "(Azure Resource Manager unavailable: retried 5 times over "));
  CHECK(contains(r.out, "(attempt 6 of 6)"));
}
